import { TestSubgraph } from '@marketplace/kit/testing';
import type { TestVendor } from '../testing';
import { addVendor, admin, createProduct, publishedProduct, setVendorStatus, startCatalog } from '../testing';

/**
 * `searchSuggestions`: what a shopper typing sees. Words only these tests use keep every
 * expectation exact; hidden products and suspended vendors never show, whoever asks.
 */
let catalog: TestSubgraph;
let vendor: TestVendor;
const suffix = Date.now().toString(36).replace(/\d/g, 'q');
const word = `zephyrine${suffix}`;
let visibleId: string;

const SUGGEST = `query($prefix: String!, $first: Int) {
  searchSuggestions(prefix: $prefix, first: $first) {
    kind text product { id name } category { slug } vendor { id }
  }
}`;

interface Suggestion {
  kind: string;
  text: string;
  product: { id: string; name: string } | null;
  category: { slug: string } | null;
  vendor: { id: string } | null;
}

async function suggest(prefix: string, first?: number, token?: string): Promise<Suggestion[]> {
  return (
    await catalog.client.data<{ searchSuggestions: Suggestion[] }>(SUGGEST, { variables: { prefix, first }, token })
  ).searchSuggestions;
}

beforeAll(async () => {
  catalog = await startCatalog({ CATALOG_CACHE_TTL_SECONDS: '0' });
  await catalog.subgraph.wiring.seed!();
  vendor = await addVendor(catalog);
  await catalog.subgraph.deps.db.query(`UPDATE vendors SET display_name = $2 WHERE id = $1`, [
    vendor.vendorId,
    `Quillstone ${suffix} Labs`,
  ]);
  visibleId = (await publishedProduct(catalog, vendor, { name: `${word} Ledger Keeper` })).id;
  // Hidden: a draft, and a product whose vendor is suspended afterwards (with a name of its own).
  await createProduct(catalog, vendor, { name: `${word} Draft Secret` });
  const suspended = await addVendor(catalog);
  await catalog.subgraph.deps.db.query(`UPDATE vendors SET display_name = $2 WHERE id = $1`, [
    suspended.vendorId,
    `Quillstone ${suffix} Banned`,
  ]);
  await publishedProduct(catalog, suspended, { name: `${word} Suspended Thing` });
  await setVendorStatus(catalog, suspended.id, 'SUSPENDED');
}, 60_000);
afterAll(() => catalog.close());

it('suggests the product by the start of any word of its name, with the product itself', async () => {
  for (const prefix of [word.slice(0, 6), word, `${word} ledg`]) {
    const suggestions = await suggest(prefix);
    expect(suggestions).toEqual([
      {
        kind: 'PRODUCT',
        text: `${word} Ledger Keeper`,
        product: { id: visibleId, name: `${word} Ledger Keeper` },
        category: null,
        vendor: null,
      },
    ]);
  }
});

it('forgives typos: a letter dropped, swapped or added', async () => {
  for (const typo of [
    word.slice(0, 3) + word.slice(4),
    `${word.slice(0, 2)}${word[3]}${word[2]}${word.slice(4)}`,
    `${word}x`,
  ]) {
    const suggestions = await suggest(typo);
    expect(suggestions.map((s) => s.product?.id)).toContain(visibleId);
  }
});

it('suggests categories and active vendors by name', async () => {
  const support = await suggest('customer sup');
  expect(support[0]).toMatchObject({
    kind: 'CATEGORY',
    text: 'Customer support',
    category: { slug: 'customer-support' },
  });
  expect(await suggest(`quillstone ${suffix}`)).toEqual([
    { kind: 'VENDOR', text: `Quillstone ${suffix} Labs`, product: null, category: null, vendor: { id: vendor.id } },
  ]);
  // A misspelt category: "custmer" reads as "customer".
  expect((await suggest('custmer'))[0]).toMatchObject({ kind: 'CATEGORY', text: 'Customer support' });
});

it('never suggests a draft, a suspended vendor or its products, whoever asks', async () => {
  for (const token of [undefined, vendor.token, admin()]) {
    const texts = (await suggest(word, 20, token)).map((s) => s.text);
    expect(texts).toEqual([`${word} Ledger Keeper`]);
    expect((await suggest(`quillstone ${suffix}`, 20, token)).map((s) => s.text)).toEqual([
      `Quillstone ${suffix} Labs`,
    ]);
  }
});

it('stops at `first`, best first', async () => {
  const suggestions = await suggest('agent', 3);
  expect(suggestions).toHaveLength(3);
  expect(await suggest('agent', 1)).toEqual(suggestions.slice(0, 1));
});

it('answers nothing under 2 characters, and nothing for gibberish', async () => {
  expect(await suggest('z')).toEqual([]);
  expect(await suggest(' a ')).toEqual([]);
  expect(await suggest('qqqqxxxxzzzz')).toEqual([]);
});

it.each([
  ['an empty prefix', '', 8, 'prefix', 'must not be empty'],
  ['a blank prefix', '   ', 8, 'prefix', 'must not be empty'],
  ['a prefix over 100 characters', 'a'.repeat(101), 8, 'prefix', 'must be at most 100 characters'],
  ['a control character', 'ab\u0007cd', 8, 'prefix', 'must not contain control characters'],
  ['first = 0', 'agent', 0, 'first', 'must be from 1 to 20'],
  ['first = 21', 'agent', 21, 'first', 'must be from 1 to 20'],
])('refuses %s as BAD_USER_INPUT', async (_label, prefix, first, field, message) => {
  const result = await catalog.client.request(SUGGEST, { variables: { prefix, first } });
  expect(result.data?.searchSuggestions ?? null).toBeNull();
  expect(result.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', fields: [{ field, message }] });
});

it('takes hostile text as plain text', async () => {
  for (const prefix of ["'; DROP TABLE products; --", '%_%', '\\', 'a:* & b', '(((', '🤖 agent']) {
    const result = await catalog.client.request(SUGGEST, { variables: { prefix } });
    expect(result.errors).toBeUndefined();
  }
});
