import type { EntityManager } from 'typeorm';
import type { KeyValueStore, Logger } from '@marketplace/kit';
import type { AfterCommit } from '@marketplace/kit';

/** What is cached under one key: a name, optionally scoped to one product or to the whole listing. */
export interface CacheKey {
  name: string;
  productId?: string;
  /** A page of the storefront listing (search, browse): superseded by a change of any product. */
  listing?: boolean;
}

/** How a value goes into JSON and comes back (dates!). */
export interface CacheCodec<T> {
  encode(value: T): unknown;
  /** Rebuilds a value from what `encode` gave, back from JSON; each codec declares the `raw` it reads. */
  decode(raw: unknown): T;
}

export const STOREFRONT_VERSION_KEY = 'cache:version:storefront';
export const LISTING_VERSION_KEY = 'cache:version:listing';
export const productVersionKey = (productId: string) => `cache:version:product:${productId}`;
/**
 * Version counters live much longer than any entry (TTL ≤ 24 h), so when one expires and
 * restarts from nothing, every entry written under its earlier values is long gone.
 */
export const VERSION_LIFETIME_MS = 7 * 24 * 3_600_000;
/** A store outage is reported at most this often; reads fall back to the database meanwhile. */
const WARN_EVERY_MS = 10_000;

/**
 * Anonymous storefront answers in the kit's store (Redis or memory), with versioned keys:
 * every key carries the storefront version (bumped by vendor events) and, when it is about
 * one product, that product's version (bumped after each committed change of it). A
 * reader takes the versions before it reads the database, so a value it writes after a
 * concurrent change lands under a version nobody reads any more: never stale past a
 * change, whatever the interleaving. Entries also expire after the TTL. A store outage
 * only costs the cache: reads go to the database.
 */
export class StorefrontCache {
  private lastWarning = 0;

  constructor(
    private readonly store: KeyValueStore,
    private readonly ttlSeconds: number,
    private readonly afterCommit: AfterCommit,
    private readonly log: Logger,
    /** Tells caches beyond this subgraph (the gateway's public answers) that public data changed. */
    private readonly announce: () => Promise<void> = async () => undefined,
  ) {}

  get enabled(): boolean {
    return this.ttlSeconds > 0;
  }

  /**
   * The cached values of `keys`; `load` gets the positions of the misses and answers them
   * (null: nothing to cache). `keep` says which loaded values may be stored.
   */
  async readMany<T>(
    keys: CacheKey[],
    codec: CacheCodec<T>,
    load: (missing: number[]) => Promise<(T | null)[]>,
    keep: (value: T) => boolean = () => true,
  ): Promise<(T | null)[]> {
    if (!this.enabled || keys.length === 0) return keys.length ? load(keys.map((_, i) => i)) : [];
    let entryKeys: string[];
    let cached: (string | null)[];
    try {
      const productIds = [...new Set(keys.flatMap((key) => (key.productId ? [key.productId] : [])))];
      const [storefront, listing, ...products] = await this.store.getMany([
        STOREFRONT_VERSION_KEY,
        LISTING_VERSION_KEY,
        ...productIds.map(productVersionKey),
      ]);
      const versionOf = new Map(productIds.map((id, i) => [id, products[i] ?? '0']));
      const scope = (key: CacheKey) =>
        key.productId
          ? `${key.productId}:${versionOf.get(key.productId)}:`
          : key.listing
            ? `listing:${listing ?? '0'}:`
            : '';
      entryKeys = keys.map((key) => `cache:${storefront ?? '0'}:${scope(key)}${key.name}`);
      cached = await this.store.getMany(entryKeys);
    } catch (error) {
      this.warn(error);
      return load(keys.map((_, i) => i));
    }
    const values: (T | null)[] = cached.map((raw) => (raw === null ? null : codec.decode(JSON.parse(raw))));
    const missing = cached.flatMap((raw, i) => (raw === null ? [i] : []));
    if (missing.length === 0) return values;
    const loaded = await load(missing);
    const writes: Promise<void>[] = [];
    missing.forEach((position, i) => {
      const value = loaded[i];
      values[position] = value;
      if (value !== null && keep(value))
        writes.push(this.store.set(entryKeys[position], JSON.stringify(codec.encode(value)), this.ttlSeconds * 1000));
    });
    await Promise.all(writes).catch((error) => this.warn(error));
    return values;
  }

  async read<T>(
    key: CacheKey,
    codec: CacheCodec<T>,
    load: () => Promise<T | null>,
    keep?: (value: T) => boolean,
  ): Promise<T | null> {
    const [value] = await this.readMany([key], codec, async () => [await load()], keep);
    return value;
  }

  /** Everything cached about the product, and every listing page (it may show the product), is superseded once the transaction commits. */
  productChanged(manager: EntityManager, productId: string): void {
    this.afterCommit.run(manager, async () => {
      await Promise.all([this.bump(productVersionKey(productId)), this.bump(LISTING_VERSION_KEY)]);
      await this.announce();
    });
  }

  /** Everything cached is superseded (a vendor's status or profile changed), once the transaction commits. */
  storefrontChanged(manager: EntityManager): void {
    this.afterCommit.run(manager, async () => {
      await this.bump(STOREFRONT_VERSION_KEY);
      await this.announce();
    });
  }

  /** Bumps a version right away: for callers that already committed. */
  async bump(versionKey: string): Promise<void> {
    try {
      await this.store.increment(versionKey, VERSION_LIFETIME_MS);
    } catch (error) {
      this.warn(error);
    }
  }

  private warn(error: unknown): void {
    if (Date.now() - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = Date.now();
    this.log.warn({ err: error }, 'storefront cache unavailable; reading from the database');
  }
}

/** Encodes nothing special; decodes the named fields back into Dates. */
export function withDates<T extends object>(make: () => T, fields: string[]): CacheCodec<T> {
  return {
    encode: (value) => value,
    decode: (raw: Record<string, unknown>) => {
      const value = Object.assign(make(), raw);
      for (const field of fields) {
        // JSON writes a Date as its ISO string.
        const written = raw[field];
        if (typeof written === 'string') (value as Record<string, unknown>)[field] = new Date(written);
      }
      return value;
    },
  };
}
