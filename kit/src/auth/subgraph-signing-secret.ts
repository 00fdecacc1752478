import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommonConfig, ConfigError } from '../config';
import { writeOnce } from '../data/write-once';
import { GatewaySigner } from './gateway-signature';

/** Bytes of a generated secret: an HMAC-SHA256 key no shorter than its output. */
const GENERATED_SECRET_BYTES = 32;

/**
 * `SUBGRAPH_SIGNING_SECRET` (read and length-checked by readCommonConfig), or in development
 * and tests one generated once into `<DATA_DIR>/keys/`, so every process of a local run shares it.
 */
export function loadSubgraphSigningSecret(config: CommonConfig): string {
  if (config.subgraphSigningSecret) return config.subgraphSigningSecret;
  if (config.environment === 'production') {
    throw new ConfigError(
      'SUBGRAPH_SIGNING_SECRET',
      'is required in production (generated secrets are for development only)',
    );
  }
  const path = join(config.dataDir, 'keys', 'subgraph-signing.key');
  if (!existsSync(path)) writeOnce(path, randomBytes(GENERATED_SECRET_BYTES).toString('hex'), 0o600);
  return readFileSync(path, 'utf8').trim();
}

/** The signer on the configured or generated secret. */
export function buildGatewaySigner(config: CommonConfig): GatewaySigner {
  return new GatewaySigner(loadSubgraphSigningSecret(config));
}
