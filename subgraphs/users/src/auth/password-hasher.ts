import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;

const KEY_LENGTH_BYTES = 32;
const SALT_LENGTH_BYTES = 16;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;

/**
 * scrypt password hashes, stored as `scrypt$<log2N>$<r>$<p>$<salt>$<hash>` so the cost can
 * be raised later: `needsRehash` tells when a stored hash is weaker than today's setting.
 */
export class PasswordHasher {
  /** A hash nobody's password matches, verified when an email is unknown so both paths cost the same. */
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly log2Cost: number) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH_BYTES);
    const key = await this.derive(password, salt, this.log2Cost, BLOCK_SIZE, PARALLELISM);
    return ['scrypt', this.log2Cost, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), key.toString('base64')].join(
      '$',
    );
  }

  async verify(password: string, stored: string | undefined): Promise<boolean> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
    const [scheme, cost, blockSize, parallelism, salt, expected] = (stored ?? (await this.dummyHash)).split('$');
    if (scheme !== 'scrypt') return false;
    const expectedKey = Buffer.from(expected, 'base64');
    const key = await this.derive(
      password,
      Buffer.from(salt, 'base64'),
      Number(cost),
      Number(blockSize),
      Number(parallelism),
    );
    return stored !== undefined && key.length === expectedKey.length && timingSafeEqual(key, expectedKey);
  }

  needsRehash(stored: string): boolean {
    return Number(stored.split('$')[1]) < this.log2Cost;
  }

  private derive(
    password: string,
    salt: Buffer,
    log2Cost: number,
    blockSize: number,
    parallelism: number,
  ): Promise<Buffer> {
    const N = 2 ** log2Cost;
    // scrypt needs 128 * N * r bytes; give it room above that.
    const maxmem = 256 * N * blockSize;
    return scryptAsync(password.normalize('NFKC'), salt, KEY_LENGTH_BYTES, { N, r: blockSize, p: parallelism, maxmem });
  }
}
