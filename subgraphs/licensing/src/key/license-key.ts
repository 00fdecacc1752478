import { KeyObject, createHash, sign, verify } from 'node:crypto';
import { isUuid } from '@marketplace/kit';

/**
 * A license key: `MP1.<base64url(payload JSON)>.<base64url(Ed25519 signature of the payload part)>`.
 * The signature covers the payload part exactly as written (its ASCII bytes), so a product
 * verifies it with the marketplace public key alone, without re-serialising JSON.
 */
export const KEY_PREFIX = 'MP1';

/** Longer than any key this subgraph issues (about 400 characters): refused before any work. */
export const KEY_MAX_LENGTH = 2_048;

export interface LicenseKeyPayload {
  v: 1;
  /** License id. */
  lid: string;
  /** Product id. */
  pid: string;
  /** Owner's user id. */
  sub: string;
  /** Machines the license may be activated on. */
  max: number;
  /** Issued at, epoch seconds. */
  iat: number;
  /** Expires at, epoch seconds; null = perpetual. */
  exp: number | null;
  /** Id of the signing key (see signing-key.ts). */
  kid: string;
}

export function signLicenseKey(payload: LicenseKeyPayload, privateKey: KeyObject): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = sign(null, Buffer.from(body), privateKey).toString('base64url');
  return `${KEY_PREFIX}.${body}.${signature}`;
}

/** The payload when `key` is well-formed and signed by `publicKey`; null for anything else (never throws). */
export function verifyLicenseKey(key: string, publicKey: KeyObject): LicenseKeyPayload | null {
  if (typeof key !== 'string' || key.length > KEY_MAX_LENGTH) return null;
  const parts = key.trim().split('.');
  if (parts.length !== 3 || parts[0] !== KEY_PREFIX) return null;
  const [, body, signature] = parts;
  if (!/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(signature)) return null;
  const signatureBytes = Buffer.from(signature, 'base64url');
  if (signatureBytes.length !== 64 || !verify(null, Buffer.from(body), publicKey, signatureBytes)) return null;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LicenseKeyPayload;
    return isPayload(payload) ? payload : null;
  } catch {
    return null;
  }
}

function isPayload(value: LicenseKeyPayload): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    value.v === 1 &&
    isUuid(value.lid) &&
    isUuid(value.pid) &&
    isUuid(value.sub) &&
    Number.isInteger(value.max) &&
    Number.isInteger(value.iat) &&
    (value.exp === null || Number.isInteger(value.exp)) &&
    typeof value.kid === 'string'
  );
}

/** How a key is looked up: its SHA-256 (hex) is the unique index, never the key itself. */
export function keyDigest(key: string): string {
  return createHash('sha256').update(key.trim()).digest('hex');
}
