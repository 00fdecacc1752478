export interface PublicCacheSettings {
  /** How long an entry may be served; it also bounds staleness should a change notice be lost. 0 turns the cache off. */
  ttlSeconds: number;
  maxEntries: number;
  /** All entries together, counted by their serialized size: what bounds the memory the cache may hold. */
  maxBytes: number;
  /** Larger entries are not kept (a cache full of a few huge pages helps nobody). */
  maxEntryBytes: number;
}

interface Entry<V> {
  value: V;
  sizeBytes: number;
  expiresAtMs: number;
}

/**
 * Public data in this gateway's memory. Subgraphs announce every committed change to public
 * data on the change feed (topic `public-data`); `invalidate()` then drops everything. A
 * value computed while a change was being announced is not kept: the caller notes the
 * generation before asking for the value and stores it only if no invalidation came in
 * between, so a change is never hidden by a value read just before it. Oldest entries go
 * first once `maxEntries` or `maxBytes` is reached.
 */
export class PublicDataCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private heldBytes = 0;
  private generationCount = 0;
  /** Off until the change feed confirms the subscription: a value kept before could miss its change's notice. */
  private listening = false;

  constructor(readonly settings: PublicCacheSettings) {}

  get enabled(): boolean {
    return this.settings.ttlSeconds > 0;
  }

  get generation(): number {
    return this.generationCount;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The serialized size of everything held. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** From now on change notices arrive: values may be kept. */
  listen(): void {
    this.listening = true;
    this.invalidate();
  }

  invalidate(): void {
    this.generationCount += 1;
    this.entries.clear();
    this.heldBytes = 0;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= Date.now()) {
      this.remove(key);
      return undefined;
    }
    return entry.value;
  }

  /**
   * Keeps `value` for `ttlSeconds` (never longer than the configured TTL) unless the cache was
   * invalidated since `generation` was read or the value is over `maxEntryBytes`.
   */
  put(key: string, value: V, sizeBytes: number, generation: number, ttlSeconds = this.settings.ttlSeconds): boolean {
    const ttl = Math.min(ttlSeconds, this.settings.ttlSeconds);
    if (
      !this.listening ||
      generation !== this.generationCount ||
      ttl <= 0 ||
      sizeBytes > Math.min(this.settings.maxEntryBytes, this.settings.maxBytes)
    )
      return false;
    this.remove(key);
    while (
      this.entries.size > 0 &&
      (this.entries.size >= this.settings.maxEntries || this.heldBytes + sizeBytes > this.settings.maxBytes)
    ) {
      this.remove(this.entries.keys().next().value!);
    }
    this.entries.set(key, { value, sizeBytes, expiresAtMs: Date.now() + ttl * 1000 });
    this.heldBytes += sizeBytes;
    return true;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.heldBytes -= entry.sizeBytes;
  }
}
