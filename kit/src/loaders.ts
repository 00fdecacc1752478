import DataLoader from 'dataloader';
import type { RequestContext } from './context';

/** Per-request home of DataLoaders, so batching and caching never leak between viewers. */
export class LoaderRegistry {
  private readonly loaders = new Map<symbol, DataLoader<unknown, unknown>>();

  getOrCreate<K, V>(token: symbol, create: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(token) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = create();
      this.loaders.set(token, loader);
    }
    return loader;
  }
}

export type BatchLoad<K, V> = (keys: readonly K[], context: RequestContext) => Promise<ReadonlyArray<V | Error>>;

/**
 * Declares a loader once (usually as a service field); `loader(ctx)` returns the
 * request's own instance: one batch per tick, whatever the list size.
 */
export function defineLoader<K, V>(batch: BatchLoad<K, V>, options?: DataLoader.Options<K, V>) {
  const token = Symbol('loader');
  return (context: RequestContext): DataLoader<K, V> =>
    context.loaders.getOrCreate(token, () => new DataLoader<K, V>((keys) => batch(keys, context), options));
}

/** Orders rows to match the keys a batch asked for; missing rows become `null`. */
export function alignToKeys<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): (V | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row] as const));
  return keys.map((key) => byKey.get(key) ?? null);
}
