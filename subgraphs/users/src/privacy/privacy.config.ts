import { join } from 'node:path';
import { EnvReader, readArtifactExchangeConfig, readCommonConfig } from '@marketplace/kit';

/** Settings of data exports, read when the users subgraph is wired. */
export interface PrivacyConfig {
  /** Where clients reach the gateway: download links point there. */
  publicUrl: string;
  /** HMAC key of URLs (shared with uploads and downloads; exports sign under their own purpose). */
  urlSigningSecret: Buffer;
  /** Root of the object storage the export documents are written to. */
  storageDir: string;
  /** How long a download link stays valid. */
  linkTtlSeconds: number;
  /** Days a READY export stays downloadable; then it is refused and deleted at the owner's next export. */
  retentionDays: number;
  /**
   * A PENDING export older than this no longer blocks a new one (a subgraph never answered: its part was
   * dead-lettered); it is dropped when the user asks again, and a part arriving later is ignored.
   */
  pendingTimeoutMinutes: number;
  /** An export document larger than this is not written (the parts are bounded; this is the backstop). */
  maxDocumentBytes: number;
}

export function readPrivacyConfig(env: EnvReader): PrivacyConfig {
  const exchange = readArtifactExchangeConfig(env);
  return {
    publicUrl: exchange.publicUrl,
    urlSigningSecret: exchange.urlSigningSecret,
    storageDir: env.string('DATA_EXPORT_STORAGE_DIR', join(readCommonConfig(env).dataDir, 'exports')),
    linkTtlSeconds: env.int('DATA_EXPORT_LINK_TTL_SECONDS', 300, { min: 1, max: 24 * 3600 }),
    retentionDays: env.int('DATA_EXPORT_RETENTION_DAYS', 7, { min: 1, max: 90 }),
    pendingTimeoutMinutes: env.int('DATA_EXPORT_PENDING_TIMEOUT_MINUTES', 60, { min: 1, max: 7 * 24 * 60 }),
    maxDocumentBytes: env.int('DATA_EXPORT_MAX_BYTES', 256 * 1024 * 1024, { min: 1024 }),
  };
}
