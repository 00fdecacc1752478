import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_KEY_PREFIX } from '@marketplace/kit';

/** 8 random bytes as hex: unique enough to find the row, and harmless to show. */
const LOOKUP_ID_BYTES = 8;
/** 256 bits: nobody guesses it, so one SHA-256 (not a slow password hash) is enough to store it. */
const SECRET_BYTES = 32;
const KEY_PATTERN = /^mk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** Compared against when no row matched, so an unknown lookup id costs what a wrong secret does. */
const DUMMY_HASH = Buffer.alloc(32);

export interface NewApiKeySecret {
  /** The whole key, shown to the owner once. */
  key: string;
  lookupId: string;
  secretHash: Buffer;
}

export function newApiKeySecret(): NewApiKeySecret {
  const lookupId = randomBytes(LOOKUP_ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { key: `${API_KEY_PREFIX}${lookupId}_${secret}`, lookupId, secretHash: hashOf(secret) };
}

/** The key's lookup id and secret hash; undefined for anything not shaped like a key. */
export function parseApiKey(key: string): { lookupId: string; secretHash: Buffer } | undefined {
  const match = KEY_PATTERN.exec(key);
  return match ? { lookupId: match[1], secretHash: hashOf(match[2]) } : undefined;
}

/** The visible start of a key: `mk_` and its lookup id. */
export function apiKeyPrefix(lookupId: string): string {
  return `${API_KEY_PREFIX}${lookupId}`;
}

/** Constant-time, whether or not a row was found (`stored` undefined). */
export function secretMatches(given: Buffer, stored: Buffer | undefined): boolean {
  const same = timingSafeEqual(given, stored ?? DUMMY_HASH);
  return stored !== undefined && same;
}

function hashOf(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
