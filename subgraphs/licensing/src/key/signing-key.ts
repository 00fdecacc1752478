import { KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommonConfig, ConfigError, writeOnce } from '@marketplace/kit';

/** The marketplace's Ed25519 key pair for license keys; vendors verify with the public half alone. */
export interface LicenseSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM: what vendors embed in their products. */
  publicKeyPem: string;
  /** First 16 hex characters of the SHA-256 of the public key (DER): names the key a license was signed with. */
  keyId: string;
}

const VARIABLE = 'LICENSE_SIGNING_KEY';

/**
 * `LICENSE_SIGNING_KEY` (PKCS8 PEM, literal "\n" accepted as in env files) or, outside
 * production, a development key generated once into `<DATA_DIR>/keys/license-ed25519.pem`
 * (every process of a local run signs with the same one).
 */
export function loadLicenseSigningKey(
  config: Pick<CommonConfig, 'environment' | 'dataDir'>,
  configured: string | undefined,
): LicenseSigningKey {
  if (configured !== undefined) return fromPem(configured.replace(/\\n/g, '\n'));
  if (config.environment === 'production')
    throw new ConfigError(VARIABLE, 'is required in production (a generated key is for development only)');
  const path = join(config.dataDir, 'keys', 'license-ed25519.pem');
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeOnce(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
  }
  return fromPem(readFileSync(path, 'utf8'));
}

function fromPem(pem: string): LicenseSigningKey {
  let privateKey: KeyObject;
  try {
    if (!pem.includes('-----BEGIN PRIVATE KEY-----')) throw new Error('not PKCS8');
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new ConfigError(VARIABLE, 'must be a PKCS8 PEM private key (-----BEGIN PRIVATE KEY-----)');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new ConfigError(VARIABLE, `must be an Ed25519 key (got ${privateKey.asymmetricKeyType})`);
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}
