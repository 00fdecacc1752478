import { sqlDuring, TestSubgraph, globalId } from '@marketplace/kit/testing';
import { customer, startCatalog } from '../testing';

let catalog: TestSubgraph;
beforeAll(async () => {
  catalog = await startCatalog();
});
afterAll(() => catalog.close());

const CATEGORIES = `{ categories { id slug name description parent { slug } children { slug name parent { slug } children { slug } } } }`;
const CATEGORY = `query($slug: String!) { category: categoryBySlug(slug: $slug) { slug name parent { slug name } children { slug } } }`;

describe('categories', () => {
  it('is the tree: three roots in order, each with its children, for anyone', async () => {
    const { categories } = await catalog.client.data(CATEGORIES);
    expect(categories.map((c: { slug: string }) => c.slug)).toEqual(['agents', 'workflows', 'tools']);
    expect(categories.map((c: { children: { slug: string }[] }) => c.children.map((child) => child.slug))).toEqual([
      ['customer-support', 'coding', 'research'],
      ['marketing', 'data-pipelines', 'sales-operations'],
      ['developer-tools', 'productivity', 'security'],
    ]);
    for (const root of categories) {
      expect(root.parent).toBeNull();
      expect(root.description.length).toBeGreaterThan(10);
      for (const child of root.children) expect(child).toMatchObject({ parent: { slug: root.slug }, children: [] });
    }
  });

  it('batches each level for a signed-in viewer (who bypasses the cache): roots, all children, all their parents, all grandchildren (four statements)', async () => {
    const { statements } = await sqlDuring(catalog, () => catalog.client.data(CATEGORIES, { token: customer() }));
    // roots, then all children at once, then all parents of the children at once
    expect(statements.filter((sql) => /categories/.test(sql))).toHaveLength(4);
  });
});

describe('categoryBySlug(slug)', () => {
  it('finds a sub-category with its parent', async () => {
    const { category } = await catalog.client.data(CATEGORY, { variables: { slug: 'customer-support' } });
    expect(category).toEqual({
      slug: 'customer-support',
      name: 'Customer support',
      parent: { slug: 'agents', name: 'Agents' },
      children: [],
    });
  });

  it('ignores case and surrounding spaces', async () => {
    const { category } = await catalog.client.data(CATEGORY, { variables: { slug: '  Workflows ' } });
    expect(category.children.map((c: { slug: string }) => c.slug)).toEqual([
      'marketing',
      'data-pipelines',
      'sales-operations',
    ]);
  });

  it.each(['nope', '', "' OR 1=1 --", 'x'.repeat(5000)])(
    'answers null, no error, for an unknown slug %#',
    async (slug) => {
      for (const token of [undefined, customer()]) {
        const result = await catalog.client.request(CATEGORY, { variables: { slug }, token });
        expect(result).toMatchObject({ data: { category: null }, errors: undefined });
      }
    },
  );
});

describe('Category entity', () => {
  it('resolves references on one statement per request, null for an unknown id; a description is text or null', async () => {
    const { categories } = await catalog.client.data(`{ categories { id slug children { id } } }`);
    const ids = [categories[0].id, categories[0].children[0].id, categories[1].id];
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Category { id slug description } } }`;
    const representations = [...ids, globalId('Category', '00000000-0000-4000-8000-00000000dead')].map((id) => ({
      __typename: 'Category',
      id,
    }));
    const { result, statements } = await sqlDuring(catalog, () =>
      catalog.client.data(query, { variables: { r: representations }, token: customer() }),
    );
    expect(result._entities.map((entity: { id: string } | null) => entity?.id ?? null)).toEqual([...ids, null]);
    expect(result._entities[0]).toMatchObject({ slug: 'agents', description: expect.any(String) });
    expect(statements.filter((sql) => /categories/.test(sql))).toHaveLength(1);
  });

  it('reads an absent description as null, never ""', async () => {
    const db = catalog.subgraph.deps.db;
    await db.query(`UPDATE categories SET description = NULL WHERE slug = 'research'`);
    try {
      const { category } = await catalog.client.data(`{ category: categoryBySlug(slug: "research") { description } }`, {
        token: customer(),
      });
      expect(category).toEqual({ description: null });
    } finally {
      await db.query(
        `UPDATE categories SET description = 'Agents that search, read, compare and summarise sources.' WHERE slug = 'research'`,
      );
    }
  });
});
