import { join } from 'node:path';
import { EnvReader, loadUrlSigningSecret, readCommonConfig } from '@marketplace/kit';
import { LicenseSigningKey, loadLicenseSigningKey } from './key/signing-key';

/** Settings of the licensing subgraph, read and checked once at start-up. */
export interface LicensingConfig {
  /** Where clients reach the supergraph (the gateway): download URLs point there. */
  publicUrl: string;
  /** Root of the object storage the catalog uploads artifacts into (shared, read-only here). */
  storageDir: string;
  /** How long a download URL stays valid. */
  downloadLinkTtlSeconds: number;
  /** validateLicense calls per client IP per minute. */
  validatePerMinute: number;
  /** Days a new license is valid for; 0 = perpetual. */
  validityDays: number;
  signingKey: LicenseSigningKey;
  /** HMAC key of download URLs (the catalog's upload URLs share it, under another purpose). */
  urlSigningSecret: Buffer;
}

export function readLicensingConfig(env: EnvReader): LicensingConfig {
  const common = readCommonConfig(env);
  return {
    // As the catalog reads it, so upload and download URLs point at the same gateway.
    publicUrl: (env.url('PUBLIC_URL', ['http', 'https']) ?? 'http://127.0.0.1:4000').replace(/\/+$/, ''),
    // As the catalog resolves it: licensing streams what the catalog stored.
    storageDir: env.string('ARTIFACT_STORAGE_DIR', join(common.dataDir, 'artifacts')),
    downloadLinkTtlSeconds: env.int('DOWNLOAD_LINK_TTL_SECONDS', 300, { min: 1, max: 24 * 3600 }),
    validatePerMinute: env.int('LICENSE_VALIDATE_PER_MINUTE', 120, { min: 1, max: 1_000_000 }),
    validityDays: env.int('LICENSE_VALIDITY_DAYS', 0, { min: 0, max: 100 * 366 }),
    signingKey: loadLicenseSigningKey(common, env.optionalString('LICENSE_SIGNING_KEY')),
    urlSigningSecret: loadUrlSigningSecret(common, env.optionalString('URL_SIGNING_SECRET')),
  };
}
