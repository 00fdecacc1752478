import { ArtifactExchangeConfig, EnvReader, readArtifactExchangeConfig, readCommonConfig } from '@marketplace/kit';
import { LicenseSigningKey, loadLicenseSigningKey } from './key/signing-key';

/** Settings of the licensing subgraph, read and checked once at start-up. */
export interface LicensingConfig extends ArtifactExchangeConfig {
  /** How long a download URL stays valid. */
  downloadLinkTtlSeconds: number;
  /** validateLicense calls per client IP per minute. */
  validatePerMinute: number;
  /** Days a new license is valid for; 0 = perpetual. */
  validityDays: number;
  signingKey: LicenseSigningKey;
}

export function readLicensingConfig(env: EnvReader): LicensingConfig {
  return {
    ...readArtifactExchangeConfig(env),
    downloadLinkTtlSeconds: env.int('DOWNLOAD_LINK_TTL_SECONDS', 300, { min: 1, max: 24 * 3600 }),
    validatePerMinute: env.int('LICENSE_VALIDATE_PER_MINUTE', 120, { min: 1, max: 1_000_000 }),
    validityDays: env.int('LICENSE_VALIDITY_DAYS', 0, { min: 0, max: 100 * 366 }),
    signingKey: loadLicenseSigningKey(readCommonConfig(env), env.optionalString('LICENSE_SIGNING_KEY')),
  };
}
