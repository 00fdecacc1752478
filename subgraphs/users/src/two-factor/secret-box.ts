import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const VERSION = 'v1';

/**
 * What two-factor keeps secret at rest, built on Node's crypto (no hand-made primitives):
 *
 * - TOTP secrets are sealed with AES-256-GCM under a key derived (HKDF-SHA256) from the master key,
 *   with the user's id as associated data: a database dump alone does not reveal them, and a
 *   sealed secret copied onto another user's row does not open.
 * - Recovery codes are stored as HMAC-SHA256 under another derived key. They carry about 50 random bits:
 *   too few for a plain SHA-256 to resist an offline search of a dumped table, but the keyed hash
 *   needs the key too, and a lookup by hash stays one indexed query (a password hash per code
 *   would cost ten scrypt runs per attempt).
 */
export class SecretBox {
  private readonly sealingKey: Buffer;
  private readonly codeKey: Buffer;

  constructor(masterKey: Buffer) {
    this.sealingKey = derive(masterKey, 'marketplace totp secrets');
    this.codeKey = derive(masterKey, 'marketplace recovery codes');
  }

  seal(secret: string, userId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealingKey, iv).setAAD(Buffer.from(userId));
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, ...[iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url'))].join('.');
  }

  open(sealed: string, userId: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION) throw new Error('unknown sealed secret version');
    const decipher = createDecipheriv('aes-256-gcm', this.sealingKey, Buffer.from(iv, 'base64url'))
      .setAAD(Buffer.from(userId))
      .setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  hashRecoveryCode(normalizedCode: string): string {
    return createHmac('sha256', this.codeKey).update(normalizedCode).digest('hex');
  }
}

function derive(masterKey: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, KEY_BYTES));
}
