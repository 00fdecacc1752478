import { EnvReader, MediaConfig, readArtifactExchangeConfig, readMediaConfig } from '@marketplace/kit';

/** Settings of the catalog subgraph, read and checked once at start-up. */
export interface CatalogConfig {
  /** Where clients reach the supergraph (the gateway): upload URLs point there. */
  publicUrl: string;
  artifacts: {
    /** Root of the local object storage. */
    storageDir: string;
    /** Largest artifact accepted, in bytes. */
    maxBytes: number;
    /** How long an upload URL stays valid. */
    uploadTtlSeconds: number;
  };
  /** Product images (`MEDIA_*`): storage, byte and pixel limits, upload link lifetime. */
  media: MediaConfig;
  /** How long anonymous storefront answers stay cached; 0 turns the cache off. */
  cacheTtlSeconds: number;
  /** HMAC key of upload URLs (shared with licensing's download URLs). */
  urlSigningSecret: Buffer;
  /** `recordProductView`: one counted view per viewer and product per window; reports per viewer and minute. */
  productViews: { viewWindowSeconds: number; viewsPerMinute: number };
}

export const DEFAULT_ARTIFACT_MAX_BYTES = 100 * 1024 * 1024;
/** GraphQL's Int is 32-bit: sizes beyond it could not be reported. */
const LARGEST_ARTIFACT = 2_147_483_647;

export function readCatalogConfig(env: EnvReader): CatalogConfig {
  const { publicUrl, storageDir, urlSigningSecret } = readArtifactExchangeConfig(env);
  return {
    publicUrl,
    artifacts: {
      storageDir,
      maxBytes: env.int('ARTIFACT_MAX_BYTES', DEFAULT_ARTIFACT_MAX_BYTES, { min: 1, max: LARGEST_ARTIFACT }),
      uploadTtlSeconds: env.int('ARTIFACT_UPLOAD_TTL_SECONDS', 900, { min: 1, max: 7 * 24 * 3600 }),
    },
    media: readMediaConfig(env),
    cacheTtlSeconds: env.int('CATALOG_CACHE_TTL_SECONDS', 60, { min: 0, max: 24 * 3600 }),
    urlSigningSecret,
    productViews: {
      viewWindowSeconds: env.int('PRODUCT_VIEW_WINDOW_SECONDS', 1800, { min: 1, max: 7 * 24 * 3600 }),
      viewsPerMinute: env.int('PRODUCT_VIEWS_PER_MINUTE', 120, { min: 1, max: 1_000_000 }),
    },
  };
}
