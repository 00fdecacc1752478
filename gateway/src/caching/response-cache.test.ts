import { parse, OperationDefinitionNode } from 'graphql';
import type { GatewayContext } from '../edge/request-context';
import { ResponseCache } from './response-cache';

const settings = {
  ttlSeconds: 60,
  maxEntries: 3,
  maxBytes: 100_000,
  maxEntryBytes: 1_000,
  rootFields: new Set(['products', 'product']),
};
const anonymous = { viewer: null, authorization: undefined } as GatewayContext;
const signedIn = { viewer: { id: 'u1', role: 'CUSTOMER' }, authorization: 'Bearer t' } as unknown as GatewayContext;
const operationOf = (source: string) => parse(source).definitions[0] as OperationDefinitionNode;
const keyOf = (cache: ResponseCache, source: string, context = anonymous, variables: unknown = {}) =>
  cache.keyOf(operationOf(source), source, undefined, variables, context);
const answer = (n: number) => ({ data: { product: { n } } });

function listeningCache(overrides: Partial<typeof settings> = {}) {
  const cache = new ResponseCache({ ...settings, ...overrides });
  cache.listen();
  return cache;
}

afterEach(() => jest.restoreAllMocks());

describe('which operations are cached', () => {
  const cache = listeningCache();

  it('anonymous queries of public root fields only', () => {
    expect(keyOf(cache, '{ product(id: "1") { name } __typename }')).toEqual(expect.any(String));
    expect(keyOf(cache, '{ product(id: "1") { name } me { id } }')).toBeUndefined();
    expect(keyOf(cache, '{ product(id: "1") { name } }', signedIn)).toBeUndefined();
    expect(keyOf(cache, 'mutation { product(id: "1") { name } }')).toBeUndefined();
    expect(keyOf(cache, '{ ...F } fragment F on Query { product(id: "1") { name } }')).toBeUndefined();
    expect(keyOf(cache, '{ product(id: "1") @include(if: true) { name } }')).toBeUndefined();
  });

  it('keys by document, operation name and variables', () => {
    const source = 'query P($id: ID!) { product(id: $id) { name } }';
    expect(keyOf(cache, source, anonymous, { id: '1' })).toBe(keyOf(cache, source, anonymous, { id: '1' }));
    expect(keyOf(cache, source, anonymous, { id: '1' })).not.toBe(keyOf(cache, source, anonymous, { id: '2' }));
    expect(cache.keyOf(operationOf(source), source, 'P', { id: '1' }, anonymous)).not.toBe(
      keyOf(cache, source, anonymous, { id: '1' }),
    );
  });
});

describe('what it keeps', () => {
  it('nothing before the change feed listens', () => {
    const cache = new ResponseCache(settings);
    expect(cache.set('k', answer(1), cache.generation)).toBe(false);
    cache.listen();
    expect(cache.set('k', answer(1), cache.generation)).toBe(true);
    expect(cache.get('k')).toEqual(answer(1));
  });

  it('nothing read before an invalidation that came in while it was being computed', () => {
    const cache = listeningCache();
    const startedAt = cache.generation;
    cache.invalidate(); // a change was announced while the request ran
    expect(cache.set('k', answer(1), startedAt)).toBe(false);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.set('k', answer(2), cache.generation)).toBe(true);
  });

  it('drops everything on invalidate', () => {
    const cache = listeningCache();
    cache.set('a', answer(1), cache.generation);
    cache.set('b', answer(2), cache.generation);
    cache.invalidate();
    expect([cache.get('a'), cache.get('b'), cache.size]).toEqual([undefined, undefined, 0]);
  });

  it('a copy, expiring after the TTL', () => {
    const cache = listeningCache();
    const result = answer(1);
    cache.set('k', result, cache.generation);
    result.data.product.n = 99;
    expect(cache.get('k')).toEqual(answer(1));
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 61_000);
    expect(cache.get('k')).toBeUndefined();
  });

  it('at most maxEntries, oldest first out, and no answer over maxEntryBytes', () => {
    const cache = listeningCache();
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, answer(1), cache.generation);
    expect([cache.get('a'), cache.size]).toEqual([undefined, 3]);
    expect(cache.set('big', { data: { product: { name: 'x'.repeat(2_000) } } }, cache.generation)).toBe(false);
  });

  it('at most maxBytes in all, oldest first out, counted again after removals', () => {
    const cache = new ResponseCache({ ...settings, maxEntries: 100, maxBytes: 2_000 });
    cache.listen();
    const sized = (n: number) => ({ data: { product: { name: 'x'.repeat(600), n } } });
    const bytes = JSON.stringify(sized(1)).length;
    for (const [n, key] of ['a', 'b', 'c', 'd'].entries()) cache.set(key, sized(n), cache.generation);
    expect([cache.get('a'), cache.size, cache.bytes]).toEqual([undefined, 3, 3 * bytes]);
    cache.set('b', sized(9), cache.generation);
    expect([cache.size, cache.bytes]).toEqual([3, 3 * bytes]);
    cache.invalidate();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });

  it('nothing at all with a TTL of 0', () => {
    expect(new ResponseCache({ ...settings, ttlSeconds: 0 }).enabled).toBe(false);
  });
});
