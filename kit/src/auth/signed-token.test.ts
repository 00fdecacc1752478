import { randomBytes } from 'node:crypto';
import { envReader, readCommonConfig } from '../config';
import { temporaryDirectories } from '../testing/helpers';
import { UrlTokenSigner, loadUrlSigningSecret } from './signed-token';

const dataDirs = temporaryDirectories('secret-');

describe('UrlTokenSigner', () => {
  const signer = new UrlTokenSigner(randomBytes(32));

  it('round-trips a payload for its purpose', () => {
    const token = signer.sign('upload', { productId: 'p1' }, 60);
    expect(signer.verify('upload', token)).toEqual({ productId: 'p1' });
  });

  it('refuses another purpose, an expired token, a forged or tampered one, and garbage', () => {
    const token = signer.sign('upload', { productId: 'p1' }, 60);
    expect(signer.verify('download', token)).toBeNull();
    expect(signer.verify('upload', signer.sign('upload', { productId: 'p1' }, -1))).toBeNull();
    expect(
      signer.verify('upload', new UrlTokenSigner(randomBytes(32)).sign('upload', { productId: 'p1' }, 60)),
    ).toBeNull();
    const [body, mac] = token.split('.');
    const tampered = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), d: { productId: 'p2' } }),
    ).toString('base64url');
    expect(signer.verify('upload', `${tampered}.${mac}`)).toBeNull();
    for (const garbage of ['', 'a', 'a.b', 'a.b.c', `${body}.`, `.${mac}`])
      expect(signer.verify('upload', garbage)).toBeNull();
  });
});

describe('loadUrlSigningSecret', () => {
  it('generates one development secret into DATA_DIR and reuses it', () => {
    const dataDir = dataDirs();
    const config = readCommonConfig(envReader({ DATA_DIR: dataDir }));
    const first = loadUrlSigningSecret(config, undefined);
    expect(first).toHaveLength(32);
    expect(loadUrlSigningSecret(config, undefined).equals(first)).toBe(true);
  });

  it('takes a configured secret of at least 32 bytes and requires one in production', () => {
    const config = readCommonConfig(envReader({ NODE_ENV: 'production' }));
    expect(loadUrlSigningSecret(config, 'ab'.repeat(32))).toHaveLength(32);
    expect(() => loadUrlSigningSecret(config, 'abcd')).toThrow(
      'config: URL_SIGNING_SECRET must be at least 32 bytes (hex or base64)',
    );
    expect(() => loadUrlSigningSecret(config, undefined)).toThrow(
      'config: URL_SIGNING_SECRET is required in production',
    );
  });
});
