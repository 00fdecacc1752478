import crypto from 'node:crypto';
import { apiKeyPrefix, newApiKeySecret, parseApiKey, secretMatches } from './api-key-secret';

/** The key's shape and the comparison: constant-time, and as costly when no row matched. */
afterEach(() => jest.restoreAllMocks());

it('makes keys of the documented shape, each with its own lookup id and secret', () => {
  const [a, b] = [newApiKeySecret(), newApiKeySecret()];
  expect(a.key).toMatch(/^mk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  expect(a.key.startsWith(apiKeyPrefix(a.lookupId))).toBe(true);
  expect(a.lookupId).not.toBe(b.lookupId);
  expect(parseApiKey(a.key)).toEqual({ lookupId: a.lookupId, secretHash: a.secretHash });
  expect(a.secretHash).toHaveLength(32);
});

it('parses only whole keys', () => {
  const { key } = newApiKeySecret();
  for (const bad of ['', 'mk_', key.slice(0, -1), `${key}x`, key.toUpperCase(), ` ${key}`, key.replace('mk_', 'pk_')])
    expect(parseApiKey(bad)).toBeUndefined();
});

it('compares in constant time, against a dummy hash when no key matched', () => {
  const compare = jest.spyOn(crypto, 'timingSafeEqual');
  const { key, secretHash } = newApiKeySecret();
  const given = parseApiKey(key)!.secretHash;
  expect(secretMatches(given, secretHash)).toBe(true);
  expect(secretMatches(given, Buffer.alloc(32, 1))).toBe(false);
  expect(secretMatches(given, undefined)).toBe(false);
  expect(compare).toHaveBeenCalledTimes(3);
});
