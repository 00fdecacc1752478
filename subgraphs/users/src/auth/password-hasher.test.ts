import { PasswordHasher } from './password-hasher';

const COST = 10;
const PASSWORD = 'correct horse battery staple';

/** Counts scrypt derivations, the expensive step whose count must not depend on the account existing. */
function countDerivations() {
  return jest.spyOn(
    PasswordHasher.prototype as unknown as { derive: (...args: unknown[]) => Promise<Buffer> },
    'derive',
  );
}

afterEach(() => jest.restoreAllMocks());

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(COST);

  it('hashes into a self-describing scrypt string that verifies the password', async () => {
    const stored = await hasher.hash(PASSWORD);
    expect(stored).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(stored).not.toContain(PASSWORD);
    expect(await hasher.verify(PASSWORD, stored)).toBe(true);
  });

  it('refuses a wrong password, including near misses', async () => {
    const stored = await hasher.hash(PASSWORD);
    for (const attempt of ['correct horse battery stapl', 'Correct horse battery staple', `${PASSWORD} `, '']) {
      expect(await hasher.verify(attempt, stored)).toBe(false);
    }
  });

  it('gives the same password a different hash each time (per-hash salt)', async () => {
    const hashes = await Promise.all(Array.from({ length: 10 }, () => hasher.hash(PASSWORD)));
    expect(new Set(hashes).size).toBe(10);
    expect(new Set(hashes.map((h) => h.split('$')[4])).size).toBe(10);
    const verified = await Promise.all(hashes.map((h) => hasher.verify(PASSWORD, h)));
    expect(verified.every(Boolean)).toBe(true);
  });

  it('answers false for an unknown account, after the same derivation a real check costs', async () => {
    const fresh = new PasswordHasher(COST);
    await fresh.verify('warm up the dummy hash', undefined);
    const derivations = countDerivations();
    expect(await fresh.verify(PASSWORD, undefined)).toBe(false);
    expect(derivations).toHaveBeenCalledTimes(1);
    expect(derivations.mock.calls[0][0]).toBe(PASSWORD);
    expect(derivations.mock.calls[0][2]).toBe(COST);

    derivations.mockClear();
    await fresh.verify(PASSWORD, await hasher.hash(PASSWORD));
    expect(derivations).toHaveBeenCalledTimes(2); // one for hash(), one for verify()
  });

  it('creates the dummy hash once even when the first unknown-account checks race', async () => {
    const fresh = new PasswordHasher(COST);
    const derivations = countDerivations();
    const results = await Promise.all(Array.from({ length: 8 }, () => fresh.verify(PASSWORD, undefined)));
    expect(results).toEqual(Array(8).fill(false));
    expect(derivations).toHaveBeenCalledTimes(9);
  });

  it('refuses stored values of another scheme without deriving anything', async () => {
    await hasher.verify('warm up the dummy hash', undefined);
    const derivations = countDerivations();
    expect(await hasher.verify(PASSWORD, '$2b$10$abcdefghijklmnopqrstuu')).toBe(false);
    expect(await hasher.verify(PASSWORD, '')).toBe(false);
    expect(derivations).not.toHaveBeenCalled();
  });

  it('verifies a hash made at another cost, and says when it should be redone', async () => {
    const older = await new PasswordHasher(COST).hash(PASSWORD);
    const stronger = new PasswordHasher(COST + 1);
    expect(await stronger.verify(PASSWORD, older)).toBe(true);
    expect(stronger.needsRehash(older)).toBe(true);
    expect(stronger.needsRehash(await stronger.hash(PASSWORD))).toBe(false);
    expect(new PasswordHasher(COST).needsRehash(older)).toBe(false);
    // Lowering the setting never asks to weaken an existing hash.
    expect(new PasswordHasher(COST - 1).needsRehash(older)).toBe(false);
  });

  it.each([
    ['a decomposed accent', 'caf\u00e9 au lait 2024', 'cafe\u0301 au lait 2024'],
    ['a ligature', 'of\ufb01ce passphrase', 'office passphrase'],
    ['full-width letters', '\uff30\uff41\uff53\uff53 phrase 99', 'Pass phrase 99'],
  ])('treats NFKC-equivalent passwords as the same (%s)', async (_label, typed, stored) => {
    expect(await hasher.verify(typed, await hasher.hash(stored))).toBe(true);
    expect(await hasher.verify(stored, await hasher.hash(typed))).toBe(true);
  });
});
