import { generateKeyPairSync } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommonConfig, ConfigError } from '../config';

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
    mkdirSync(dir, { recursive: true });
    const pair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    // Several processes may start at once: write aside, then link into place atomically.
    const suffix = `${process.pid}-${Date.now()}`;
    writeFileSync(`${privatePath}.${suffix}`, pair.privateKey, { mode: 0o600 });
    writeFileSync(`${publicPath}.${suffix}`, pair.publicKey);
    try {
      linkSync(`${privatePath}.${suffix}`, privatePath);
      linkSync(`${publicPath}.${suffix}`, publicPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(`${privatePath}.${suffix}`);
      unlinkSync(`${publicPath}.${suffix}`);
    }
  }
  return { publicKeyPem: readFileSync(publicPath, 'utf8'), privateKeyPem: readFileSync(privatePath, 'utf8') };
}
