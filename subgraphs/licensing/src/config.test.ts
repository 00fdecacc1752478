import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, envReader } from '@marketplace/kit';
import { temporaryDirectories } from '@marketplace/kit/testing';
import { readLicensingConfig } from './config';
import { keyIdOf } from './key/signing-key';

const dataDir = temporaryDirectories('licensing-config-');
const read = (env: Record<string, string>) => readLicensingConfig(envReader({ DATA_DIR: dataDir(), ...env }));
const ed25519Pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('readLicensingConfig', () => {
  it('defaults: gateway URL, <DATA_DIR>/artifacts, 5 minute links, 120 validations a minute, perpetual licenses, a dev key kept in DATA_DIR/keys', () => {
    const dir = dataDir();
    const config = readLicensingConfig(envReader({ DATA_DIR: dir }));
    expect(config).toMatchObject({
      publicUrl: 'http://127.0.0.1:4000',
      storageDir: join(dir, 'artifacts'),
      downloadLinkTtlSeconds: 300,
      validatePerMinute: 120,
      validityDays: 0,
    });
    const pem = readFileSync(join(dir, 'keys', 'license-ed25519.pem'), 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(config.signingKey.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(config.signingKey.keyId).toMatch(/^[0-9a-f]{16}$/);
    // Another process of the same run signs with the same key.
    expect(readLicensingConfig(envReader({ DATA_DIR: dir })).signingKey.publicKeyPem).toBe(
      config.signingKey.publicKeyPem,
    );
  });

  it('reads every setting; a configured key (with literal \\n) is used and nothing is generated', () => {
    const dir = dataDir();
    const pem = ed25519Pem();
    const config = readLicensingConfig(
      envReader({
        DATA_DIR: dir,
        PUBLIC_URL: 'https://market.example/',
        ARTIFACT_STORAGE_DIR: '/srv/artifacts',
        DOWNLOAD_LINK_TTL_SECONDS: '60',
        LICENSE_VALIDATE_PER_MINUTE: '10',
        LICENSE_VALIDITY_DAYS: '365',
        LICENSE_SIGNING_KEY: pem.replace(/\n/g, '\\n'),
      }),
    );
    expect(config).toMatchObject({
      publicUrl: 'https://market.example',
      storageDir: '/srv/artifacts',
      downloadLinkTtlSeconds: 60,
      validatePerMinute: 10,
      validityDays: 365,
    });
    expect(config.signingKey.keyId).toBe(keyIdOf(createPublicKey(pem)));
    expect(existsSync(join(dir, 'keys', 'license-ed25519.pem'))).toBe(false);
  });

  it.each<[Record<string, string>, RegExp]>([
    [
      { NODE_ENV: 'production', URL_SIGNING_SECRET: 'a'.repeat(64) },
      /^config: LICENSE_SIGNING_KEY is required in production/,
    ],
    [{ LICENSE_SIGNING_KEY: 'not a pem' }, /^config: LICENSE_SIGNING_KEY must be a PKCS8 PEM private key/],
    [
      {
        LICENSE_SIGNING_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      },
      /^config: LICENSE_SIGNING_KEY must be an Ed25519 key \(got ec\)$/,
    ],
    [{ DOWNLOAD_LINK_TTL_SECONDS: '0' }, /^config: DOWNLOAD_LINK_TTL_SECONDS must be an integer between 1 and 86400/],
    [{ LICENSE_VALIDATE_PER_MINUTE: 'lots' }, /^config: LICENSE_VALIDATE_PER_MINUTE must be an integer/],
    [{ LICENSE_VALIDITY_DAYS: '-1' }, /^config: LICENSE_VALIDITY_DAYS must be an integer between 0/],
    [{ PUBLIC_URL: 'ftp://x' }, /^config: PUBLIC_URL must use http or https/],
    [{ URL_SIGNING_SECRET: 'abcd' }, /^config: URL_SIGNING_SECRET must be at least 32 bytes/],
  ])('stops on %j with one line naming the variable', (env, message) => {
    expect(() => read(env)).toThrow(ConfigError);
    expect(() => read(env)).toThrow(message);
    try {
      read(env);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
