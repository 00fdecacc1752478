import { join } from 'node:path';
import { loadUrlSigningSecret } from '../auth/signed-token';
import { EnvReader, readCommonConfig } from '../config';

/**
 * What the catalog (uploads) and licensing (downloads) must read alike: their URLs point at
 * the same gateway and are signed with the same key, and licensing streams what the catalog
 * stored.
 */
export interface ArtifactExchangeConfig {
  /** Where clients reach the supergraph (the gateway): upload and download URLs point there. */
  publicUrl: string;
  /** Root of the object storage the catalog uploads artifacts into and licensing reads. */
  storageDir: string;
  /** HMAC key of upload and download URLs, each signed under its own purpose. */
  urlSigningSecret: Buffer;
}

export function readArtifactExchangeConfig(env: EnvReader): ArtifactExchangeConfig {
  const common = readCommonConfig(env);
  return {
    publicUrl: (env.url('PUBLIC_URL', ['http', 'https']) ?? 'http://127.0.0.1:4000').replace(/\/+$/, ''),
    storageDir: env.string('ARTIFACT_STORAGE_DIR', join(common.dataDir, 'artifacts')),
    urlSigningSecret: loadUrlSigningSecret(common, env.optionalString('URL_SIGNING_SECRET')),
  };
}
