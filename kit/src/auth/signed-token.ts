import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommonConfig, ConfigError } from '../config';
import { writeOnce } from '../data/write-once';

const SECRET_BYTES = 32;

/**
 * Short-lived capability tokens for URLs (artifact uploads, downloads): a JSON payload and
 * an HMAC-SHA256 over it, base64url. Whoever issues a token verifies it; nothing is stored
 * unless the caller wants single use (then it records the token id).
 */
export class UrlTokenSigner {
  constructor(private readonly secret: Buffer) {}

  sign<T extends object>(purpose: string, payload: T, ttlSeconds: number): string {
    const body = Buffer.from(
      JSON.stringify({ p: purpose, exp: Math.floor(Date.now() / 1000) + ttlSeconds, d: payload }),
    ).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The payload, or null when the token is malformed, forged, for another purpose or expired. */
  verify<T>(purpose: string, token: string): T | null {
    const [body, mac] = token.split('.');
    if (!body || !mac || token.split('.').length !== 2) return null;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { p: string; exp: number; d: T };
      if (claims.p !== purpose || typeof claims.exp !== 'number' || claims.exp < Date.now() / 1000) return null;
      return claims.d;
    } catch {
      return null;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

/** `URL_SIGNING_SECRET` (at least 32 bytes, hex or base64), or in development one generated into DATA_DIR. */
export function loadUrlSigningSecret(config: CommonConfig, configured: string | undefined): Buffer {
  if (configured) {
    const secret = /^[0-9a-f]+$/i.test(configured) ? Buffer.from(configured, 'hex') : Buffer.from(configured, 'base64');
    if (secret.length < SECRET_BYTES)
      throw new ConfigError('URL_SIGNING_SECRET', `must be at least ${SECRET_BYTES} bytes (hex or base64)`);
    return secret;
  }
  if (config.environment === 'production') throw new ConfigError('URL_SIGNING_SECRET', 'is required in production');
  const path = join(config.dataDir, 'keys', 'url-signing.key');
  if (!existsSync(path)) writeOnce(path, randomBytes(SECRET_BYTES).toString('hex'), 0o600);
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
}
