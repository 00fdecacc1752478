import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommonConfig, ConfigError } from '../config';
import { writeOnce } from '../data/write-once';

export interface TokenKeys {
  publicKeyPem: string;
  /** Present only where tokens are signed (the users subgraph) or in development. */
  privateKeyPem: string | undefined;
}

/**
 * The RS256 key pair for access tokens. Configured keys win; in development a pair is
 * generated once into `<DATA_DIR>/keys/` so that every process of a local run shares it.
 */
export function loadTokenKeys(config: CommonConfig): TokenKeys {
  const { publicKeyPem, privateKeyPem } = config.jwt;
  if (publicKeyPem) return { publicKeyPem, privateKeyPem };
  if (config.environment === 'production') {
    throw new ConfigError('JWT_PUBLIC_KEY', 'is required in production (generated keys are for development only)');
  }
  return loadOrCreateDevKeys(join(config.dataDir, 'keys'));
}

function loadOrCreateDevKeys(dir: string): TokenKeys {
  const privatePath = join(dir, 'jwt-private.pem');
  const publicPath = join(dir, 'jwt-public.pem');
  if (!existsSync(publicPath)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // Another process may win the race for the private key: derive the public key from
    // whichever private key is on disk, so the pair always matches.
    writeOnce(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    const publicKey = createPublicKey(readFileSync(privatePath, 'utf8'))
      .export({ type: 'spki', format: 'pem' })
      .toString();
    writeOnce(publicPath, publicKey);
  }
  return { publicKeyPem: readFileSync(publicPath, 'utf8'), privateKeyPem: readFileSync(privatePath, 'utf8') };
}
