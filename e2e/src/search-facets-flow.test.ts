import { DemoIds } from '@marketplace/kit';
import { globalId, tokenFor } from '@marketplace/kit/testing';
import { SEARCH_SUGGESTIONS, STOREFRONT_FACETS } from './testing/benchmark-operations';
import { planOf } from './testing/query-plan';
import { TestSupergraph, startTestSupergraph } from './testing/supergraph';

/**
 * Issue 22's search helpers through the gateway, on the demo data: facets of a search with
 * their categories (catalog) and vendors (the vendor subgraph names them), and suggestions
 * with the products, categories and vendors they lead to. The same for every viewer.
 */
let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph();
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
}, 60_000);
afterAll(() => supergraph?.close());

interface FacetsAnswer {
  products: {
    totalCount: number;
    edges: unknown[];
    facets: {
      categories: { category: { id: string; name: string; slug: string }; productCount: number }[];
      kinds: { kind: string; productCount: number }[];
      priceBands: { min: { amount: number; currency: string }; max: { amount: number } | null; productCount: number }[];
      ratingBands: { minRating: number; productCount: number }[];
      vendors: { vendor: { id: string; displayName: string }; productCount: number }[];
    };
  };
}

it('answers a search with its facets in one request, vendors named by the vendor subgraph', async () => {
  const { fetches } = planOf(STOREFRONT_FACETS.query);
  expect(fetches.map((fetch) => fetch.subgraph).sort()).toEqual(['catalog', 'vendor']);
  const { products } = await supergraph.client.data<FacetsAnswer>(STOREFRONT_FACETS.query, {
    variables: { search: 'agent or workflow', first: 5 },
  });
  const { facets, totalCount } = products;
  expect(totalCount).toBeGreaterThan(5);
  // Nothing narrows the kinds, categories or prices: each facet splits the whole list.
  const sum = (list: { productCount: number }[]) => list.reduce((total, entry) => total + entry.productCount, 0);
  expect(sum(facets.kinds)).toBe(totalCount);
  expect(sum(facets.priceBands)).toBe(totalCount);
  expect(sum(facets.vendors)).toBe(totalCount);
  expect(facets.vendors.map((entry) => entry.vendor.displayName).sort()).toEqual(['Ada Agents', 'Grace Workflows']);
  expect(facets.vendors.find((entry) => entry.vendor.displayName === 'Ada Agents')?.vendor.id).toBe(
    globalId('Vendor', DemoIds.vendors.ada),
  );
  expect(facets.categories.every((entry) => entry.category.name && entry.productCount > 0)).toBe(true);
  const ratings = facets.ratingBands.map((band) => band.productCount);
  expect(ratings).toEqual([...ratings].sort((a, b) => a - b));

  // The vendor facet stays whole when a vendor is chosen; the list and the other facets narrow.
  const ada = await supergraph.client.data<FacetsAnswer>(
    `query($v: ID!) { products(filter: { search: "agent or workflow", vendorId: $v }, first: 1) {
      totalCount facets { vendors { vendor { displayName } productCount } kinds { kind productCount } }
    } }`,
    { variables: { v: globalId('Vendor', DemoIds.vendors.ada) } },
  );
  expect(ada.products.facets.vendors).toHaveLength(2);
  expect(sum(ada.products.facets.kinds)).toBe(ada.products.totalCount);
  expect(ada.products.totalCount).toBeLessThan(totalCount);
});

it('suggests products, categories and vendors as one types, typos forgiven, the same signed in or not', async () => {
  const suggest = async (prefix: string, token?: string) =>
    (
      await supergraph.client.data<{
        searchSuggestions: {
          kind: string;
          text: string;
          product: { id: string } | null;
          category: { id: string } | null;
          vendor: { id: string; displayName: string } | null;
        }[];
      }>(SEARCH_SUGGESTIONS.query, { variables: { prefix, first: 8 }, token })
    ).searchSuggestions;
  const grace = await suggest('grace work');
  expect(grace[0]).toMatchObject({
    kind: 'VENDOR',
    text: 'Grace Workflows',
    vendor: { displayName: 'Grace Workflows' },
  });
  const typo = await suggest('custmer suport');
  expect(typo.map((s) => s.text)).toContain('Customer Support Assistant');
  expect(typo.find((s) => s.kind === 'PRODUCT')?.product?.id).toMatch(/^Product:/);
  expect(await suggest('custmer suport', tokenFor(DemoIds.users.alan, 'CUSTOMER'))).toEqual(typo);

  const refused = await supergraph.client.request(SEARCH_SUGGESTIONS.query, { variables: { prefix: '', first: 8 } });
  expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'prefix' }] });
});
