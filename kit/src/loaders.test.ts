import type { RequestContext } from './context';
import { LoaderRegistry, alignToKeys, defineLoader } from './loaders';
import { createLogger } from './logger';

const log = createLogger({ name: 'test', level: 'silent' });
const contextFor = (requestId: string): RequestContext => ({
  requestId,
  viewer: null,
  clientIp: '127.0.0.1',
  signedByGateway: false,
  log,
  loaders: new LoaderRegistry(),
});

/** A loader that doubles numbers and records every batch it was asked for, with the request it served. */
function doublingLoader() {
  const batches: { keys: number[]; requestId: string }[] = [];
  const loader = defineLoader<number, number>(async (keys, context) => {
    batches.push({ keys: [...keys], requestId: context.requestId });
    return keys.map((key) => key * 2);
  });
  return { loader, batches };
}

describe('defineLoader', () => {
  it('batches every load of one tick into one call, answering each in order', async () => {
    const { loader, batches } = doublingLoader();
    const context = contextFor('r1');
    const results = await Promise.all([5, 1, 4, 2, 3].map((key) => loader(context).load(key)));
    expect(results).toEqual([10, 2, 8, 4, 6]);
    expect(batches).toEqual([{ keys: [5, 1, 4, 2, 3], requestId: 'r1' }]);
  });

  it('caches within a request and asks again in another request', async () => {
    const { loader, batches } = doublingLoader();
    const first = contextFor('r1');
    expect(loader(first)).toBe(loader(first));
    await loader(first).load(7);
    await loader(first).load(7);
    await loader(contextFor('r2')).load(7);
    expect(batches).toEqual([
      { keys: [7], requestId: 'r1' },
      { keys: [7], requestId: 'r2' },
    ]);
  });

  it('keeps concurrent requests apart: one batch each, with its own context', async () => {
    const { loader, batches } = doublingLoader();
    const contexts = Array.from({ length: 10 }, (_, i) => contextFor(`r${i}`));
    const results = await Promise.all(
      contexts.map((context, i) => Promise.all([i, i + 100].map((key) => loader(context).load(key)))),
    );
    expect(results).toEqual(contexts.map((_, i) => [i * 2, (i + 100) * 2]));
    expect(batches).toHaveLength(10);
    for (const [i, batch] of batches.entries()) expect(batch).toEqual({ keys: [i, i + 100], requestId: `r${i}` });
  });

  it('gives separate loaders separate instances in one request', async () => {
    const a = doublingLoader();
    const b = doublingLoader();
    const context = contextFor('r1');
    expect(a.loader(context)).not.toBe(b.loader(context));
    await Promise.all([a.loader(context).load(1), b.loader(context).load(1)]);
    expect(a.batches).toHaveLength(1);
    expect(b.batches).toHaveLength(1);
  });

  it('fails only the keys whose batch entry is an Error', async () => {
    const loader = defineLoader<number, string>(async (keys) =>
      keys.map((key) => (key < 0 ? new Error(`bad key ${key}`) : `ok ${key}`)),
    );
    const context = contextFor('r1');
    const results = await Promise.allSettled([1, -1, 2].map((key) => loader(context).load(key)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('bad key -1');
  });
});

describe('alignToKeys', () => {
  const rows = [
    { id: 'b', v: 2 },
    { id: 'a', v: 1 },
    { id: 'z', v: 26 },
  ];

  it('orders rows like the keys, with null for missing keys and unasked rows left out', () => {
    expect(alignToKeys(['a', 'x', 'b', 'a'], rows, (row) => row.id)).toEqual([
      { id: 'a', v: 1 },
      null,
      { id: 'b', v: 2 },
      { id: 'a', v: 1 },
    ]);
  });

  it('handles empty inputs', () => {
    expect(alignToKeys([], rows, (row) => row.id)).toEqual([]);
    expect(alignToKeys(['a'], [], (row: { id: string }) => row.id)).toEqual([null]);
  });
});
