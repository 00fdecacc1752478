import { queryRows } from '@marketplace/kit';
import { TestSubgraph, globalId, outboxOf, uuidOf } from '@marketplace/kit/testing';
import { TestVendor, addVendor, admin, createProduct, customer, productInput, startCatalog } from '../testing';

let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const FIELDS = 'id slug name description archivedAt parent { id slug } children { slug }';
const CREATE = `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { ${FIELDS} } } }`;
const RENAME = `mutation($input: RenameCategoryInput!) { renameCategory(input: $input) { category { ${FIELDS} } } }`;
const MOVE = `mutation($input: MoveCategoryInput!) { moveCategory(input: $input) { category { ${FIELDS} } previousParent { slug children { slug } } } }`;
const ARCHIVE = `mutation($input: ArchiveCategoryInput!) { archiveCategory(input: $input) { category { ${FIELDS} } } }`;
const TREE = `{ categories { slug children { slug children { slug children { slug } } } } }`;
const BY_SLUG = `query($slug: String!) { categoryBySlug(slug: $slug) { slug parent { slug } } }`;

interface CategoryShape {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  archivedAt: string | null;
  parent: { id: string; slug: string } | null;
  children: { slug: string }[];
}

let names = 0;
const uniqueName = (prefix = 'Cat') => `${prefix} ${process.pid} ${Date.now().toString(36)} ${(names += 1)}`;

async function create(input: Record<string, unknown> = {}): Promise<CategoryShape> {
  const data = await catalog.client.data<{ createCategory: { category: CategoryShape } }>(CREATE, {
    variables: { input: { name: uniqueName(), ...input } },
    token: admin(),
  });
  return data.createCategory.category;
}

/** Runs a mutation as an admin, or as `as` (null: anonymous). */
async function run(mutation: string, input: Record<string, unknown>, as?: string | null) {
  return catalog.client.request<Record<string, { category: CategoryShape } | null>>(mutation, {
    variables: { input },
    token: as === undefined ? admin() : (as ?? undefined),
  });
}

type Tree = { slug: string; children?: Tree }[];
const slugsOf = (tree: Tree): string[] => tree.flatMap((node) => [node.slug, ...slugsOf(node.children ?? [])]);
const anonymousTree = async () => slugsOf((await catalog.client.data<{ categories: Tree }>(TREE)).categories);

async function auditOf(categoryId: string) {
  const envelopes = await outboxOf<{ action: string; before: unknown; after: unknown; actor: { kind: string } }>(
    catalog,
    uuidOf(categoryId),
  );
  return envelopes.filter((envelope) => envelope.type === 'audit.recorded').map((envelope) => envelope.payload);
}

describe('createCategory', () => {
  it('creates a top-level category and a child with derived slugs, at the end of their siblings; the cached tree shows them at once', async () => {
    const before = await anonymousTree(); // fills the storefront cache
    const name = uniqueName('Voice Agents');
    const root = await create({ name, description: '  Agents that talk.  ' });
    expect(root).toMatchObject({
      slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      name,
      description: 'Agents that talk.',
      archivedAt: null,
      parent: null,
      children: [],
    });
    const child = await create({ name: 'Phone Bots ' + names, parentCategoryId: root.id, slug: `phone-bots-${names}` });
    expect(child.parent).toEqual({ id: root.id, slug: root.slug });
    const after = await anonymousTree();
    expect(after).toEqual(expect.arrayContaining([...before, root.slug, child.slug]));
    const { categories } = await catalog.client.data<{ categories: Tree }>(TREE);
    expect(categories.at(-1)).toEqual({ slug: root.slug, children: [{ slug: child.slug, children: [] }] });
    expect(await auditOf(root.id)).toEqual([
      expect.objectContaining({
        action: 'CATEGORY_CREATED',
        before: null,
        after: expect.objectContaining({ slug: root.slug, parentId: null }),
        actor: expect.objectContaining({ kind: 'USER', role: 'ADMIN' }),
      }),
    ]);
  });

  it('refuses a taken slug with CONFLICT (CATEGORY_SLUG_TAKEN) on the field', async () => {
    const result = await run(CREATE, { name: 'Another coding', slug: 'coding' });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'CATEGORY_SLUG_TAKEN',
      fields: [{ field: 'input.slug', message: 'is taken by another category' }],
    });
  });

  it.each([
    [{ name: '' }, 'input.name'],
    [{ name: 'x'.repeat(81) }, 'input.name'],
    [{ name: 'Ok', slug: 'Not A Slug!' }, 'input.slug'],
    [{ name: 'Ok', slug: 'x'.repeat(65) }, 'input.slug'],
    [{ name: '***' }, 'input.slug'],
    [{ name: 'Ok', description: 'y'.repeat(1001) }, 'input.description'],
    [{ name: 'Ok', parentCategoryId: 'not-an-id' }, 'input.parentCategoryId'],
    [
      { name: 'Ok', parentCategoryId: globalId('Product', '00000000-0000-4000-8000-0000000c0001') },
      'input.parentCategoryId',
    ],
  ])('refuses bad input %# with BAD_USER_INPUT on the field', async (input, field) => {
    const result = await run(CREATE, input);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].extensions?.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('answers NOT_FOUND for an unknown parent', async () => {
    const parentId = globalId('Category', '00000000-0000-4000-8000-00000000dead');
    expect(
      await catalog.client.errorCode(CREATE, {
        variables: { input: { name: 'Ok', parentCategoryId: parentId } },
        token: admin(),
      }),
    ).toBe('NOT_FOUND');
  });
});

describe('authorization matrix', () => {
  it.each([
    ['anonymous', undefined, 'UNAUTHENTICATED'],
    ['a customer', () => customer(), 'FORBIDDEN'],
    ['a vendor', () => vendor.token, 'FORBIDDEN'],
  ])('refuses every tree change to %s, changing nothing', async (_who, token, code) => {
    const target = await create();
    const attempts = [
      [CREATE, { name: uniqueName() }],
      [RENAME, { categoryId: target.id, name: 'Renamed' }],
      [MOVE, { categoryId: target.id, parentCategoryId: globalId('Category', '00000000-0000-4000-8000-0000000c0001') }],
      [ARCHIVE, { categoryId: target.id }],
    ] as const;
    for (const [mutation, input] of attempts) {
      const result = await run(mutation, input, token?.() ?? null);
      expect(result.errors?.[0].extensions?.code).toBe(code);
      expect(Object.values(result.data ?? {})).toEqual([null]);
    }
    const { category } = await catalog.client.data(BY_SLUG.replace('categoryBySlug', 'category: categoryBySlug'), {
      variables: { slug: target.slug },
    });
    expect(category).toEqual({ slug: target.slug, parent: null });
  });
});

describe('renameCategory', () => {
  it('changes the name, the slug or both; the old slug finds nothing', async () => {
    const category = await create();
    const renamed = await run(RENAME, { categoryId: category.id, name: 'New name', slug: `new-slug-${names}` });
    expect(renamed.data?.renameCategory?.category).toMatchObject({ name: 'New name', slug: `new-slug-${names}` });
    const { categoryBySlug } = await catalog.client.data(BY_SLUG, { variables: { slug: category.slug } });
    expect(categoryBySlug).toBeNull();
    expect((await auditOf(category.id)).map((entry) => entry.action)).toEqual(['CATEGORY_CREATED', 'CATEGORY_RENAMED']);
    expect((await auditOf(category.id))[1]).toMatchObject({
      before: { name: category.name, slug: category.slug },
      after: { name: 'New name', slug: `new-slug-${names}` },
    });
  });

  it('refuses nothing to change, a taken slug and a malformed id', async () => {
    const category = await create();
    expect((await run(RENAME, { categoryId: category.id })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await run(RENAME, { categoryId: category.id, slug: 'coding' })).errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'CATEGORY_SLUG_TAKEN',
    });
    expect((await run(RENAME, { categoryId: 'Category:nope', name: 'x' })).errors?.[0].extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
  });
});

describe('moveCategory', () => {
  it('moves a category with its children under another parent and back to the top level', async () => {
    const a = await create();
    const b = await create();
    const child = await create({ parentCategoryId: b.id });
    const moved = await run(MOVE, { categoryId: b.id, parentCategoryId: a.id });
    expect(moved.data?.moveCategory).toMatchObject({
      category: { parent: { slug: a.slug }, children: [{ slug: child.slug }] },
      previousParent: null,
    });
    expect(await anonymousTree()).toEqual(expect.arrayContaining([a.slug, b.slug, child.slug]));
    const back = await catalog.client.data<{ moveCategory: { category: CategoryShape; previousParent: unknown } }>(
      MOVE,
      { variables: { input: { categoryId: b.id, parentCategoryId: null } }, token: admin() },
    );
    expect(back.moveCategory).toMatchObject({
      category: { parent: null },
      previousParent: { slug: a.slug, children: [] },
    });
    expect((await auditOf(b.id)).slice(1)).toEqual([
      expect.objectContaining({ action: 'CATEGORY_MOVED', before: expect.objectContaining({ parentId: null }) }),
      expect.objectContaining({ action: 'CATEGORY_MOVED', after: expect.objectContaining({ parentId: null }) }),
    ]);
  });

  it('refuses a move under itself or its own descendant (CATEGORY_CYCLE)', async () => {
    const top = await create();
    const middle = await create({ parentCategoryId: top.id });
    for (const parentId of [top.id, middle.id]) {
      const result = await run(MOVE, { categoryId: top.id, parentCategoryId: parentId });
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'CATEGORY_CYCLE' });
    }
  });

  it('keeps the tree at most four levels deep (CATEGORY_TOO_DEEP), on create and on move', async () => {
    const one = await create();
    const two = await create({ parentCategoryId: one.id });
    const three = await create({ parentCategoryId: two.id });
    const four = await create({ parentCategoryId: three.id });
    const tooDeep = await run(CREATE, { name: uniqueName(), parentCategoryId: four.id });
    expect(tooDeep.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'CATEGORY_TOO_DEEP' });
    const pair = await create();
    await create({ parentCategoryId: pair.id });
    const move = await run(MOVE, { categoryId: pair.id, parentCategoryId: three.id });
    expect(move.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'CATEGORY_TOO_DEEP' });
  });

  it('two admins moving two categories under each other at once: one wins, the other is a cycle, the tree stays a tree', async () => {
    for (let round = 0; round < 5; round += 1) {
      const a = await create();
      const b = await create();
      const [first, second] = await Promise.all([
        run(MOVE, { categoryId: a.id, parentCategoryId: b.id }),
        run(MOVE, { categoryId: b.id, parentCategoryId: a.id }),
      ]);
      const outcomes = [first, second].map((result) => result.errors?.[0].extensions?.reason ?? 'OK').sort();
      expect(outcomes).toEqual(['CATEGORY_CYCLE', 'OK']);
      const rows = await queryRows<{ id: string; parent_id: string | null }>(
        catalog.subgraph.deps.db,
        `SELECT id, parent_id FROM categories WHERE id = ANY($1::uuid[])`,
        [[uuidOf(a.id), uuidOf(b.id)]],
      );
      expect(rows.filter((row) => row.parent_id === null)).toHaveLength(1);
    }
  });
});

describe('archiveCategory', () => {
  it('refuses while products (any status but ARCHIVED) are in it, with the count; after they moved, archives it', async () => {
    const category = await create();
    const first = await createProduct(catalog, vendor, { categoryId: category.id });
    await createProduct(catalog, vendor, { categoryId: category.id });
    const refused = await run(ARCHIVE, { categoryId: category.id });
    expect(refused.errors?.[0].message).toMatch(/holds 2 products/);
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'CATEGORY_NOT_EMPTY',
      fields: [{ field: 'input.categoryId', message: 'holds 2 products' }],
    });
    // One archived, one moved: nothing left that counts.
    await catalog.client.data(`mutation($id: ID!) { archiveProduct(input: { productId: $id }) { product { id } } }`, {
      variables: { id: first.id },
      token: vendor.token,
    });
    const rows = await queryRows<{ id: string }>(
      catalog.subgraph.deps.db,
      `SELECT id FROM products WHERE category_id = $1 AND status <> 'ARCHIVED'`,
      [uuidOf(category.id)],
    );
    await catalog.client.data(
      `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { id } } }`,
      {
        variables: {
          input: {
            productId: globalId('Product', rows[0].id),
            categoryId: globalId('Category', '00000000-0000-4000-8000-0000000c0101'),
          },
        },
        token: vendor.token,
      },
    );
    await anonymousTree(); // cached with the category in it
    const archived = await run(ARCHIVE, { categoryId: category.id });
    expect(archived.data?.archiveCategory?.category.archivedAt).toEqual(expect.any(String));
    expect(await anonymousTree()).not.toContain(category.slug);
    const { categoryBySlug } = await catalog.client.data(BY_SLUG, { variables: { slug: category.slug } });
    expect(categoryBySlug).toBeNull();
    // The archived product keeps its category.
    const { product } = await catalog.client.data(
      `query($id: ID!) { product(id: $id) { category { slug archivedAt } } }`,
      {
        variables: { id: first.id },
        token: vendor.token,
      },
    );
    expect(product.category).toEqual({ slug: category.slug, archivedAt: expect.any(String) });
    expect((await auditOf(category.id)).at(-1)).toMatchObject({
      action: 'CATEGORY_ARCHIVED',
      before: { archivedAt: null },
      after: { archivedAt: expect.any(String) },
    });
  });

  it('refuses while it has sub-categories; an archived category takes no products, changes nor children', async () => {
    const parent = await create();
    const child = await create({ parentCategoryId: parent.id });
    const refused = await run(ARCHIVE, { categoryId: parent.id });
    expect(refused.errors?.[0].message).toMatch(/1 sub-category/);
    await run(ARCHIVE, { categoryId: child.id });
    expect((await run(ARCHIVE, { categoryId: parent.id })).errors).toBeUndefined();
    const product = await catalog.client.request(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`,
      { variables: { input: productInput({ categoryId: parent.id }) }, token: vendor.token },
    );
    expect(product.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.categoryId', message: 'is an archived category' }],
    });
    for (const [mutation, input] of [
      [RENAME, { categoryId: parent.id, name: 'x' }],
      [MOVE, { categoryId: parent.id, parentCategoryId: null }],
      [ARCHIVE, { categoryId: parent.id }],
      [CREATE, { name: uniqueName(), parentCategoryId: parent.id }],
    ] as const) {
      expect((await run(mutation, input)).errors?.[0].extensions).toMatchObject({
        code: 'CONFLICT',
        reason: 'CATEGORY_ARCHIVED',
      });
    }
  });

  it('archiving races a product being put in the category: never a product in an archived category', async () => {
    for (let round = 0; round < 6; round += 1) {
      const category = await create();
      const [archived, created] = await Promise.all([
        run(ARCHIVE, { categoryId: category.id }),
        catalog.client.request(
          `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`,
          {
            variables: { input: productInput({ categoryId: category.id }) },
            token: vendor.token,
          },
        ),
      ]);
      const archiveWon = archived.errors === undefined;
      expect(created.errors === undefined).toBe(!archiveWon);
      if (!archiveWon) expect(archived.errors?.[0].extensions?.reason).toBe('CATEGORY_NOT_EMPTY');
      const [{ stranded }] = await queryRows<{ stranded: number }>(
        catalog.subgraph.deps.db,
        `SELECT count(*)::int AS stranded FROM products p JOIN categories c ON c.id = p.category_id
          WHERE c.archived_at IS NOT NULL AND p.status <> 'ARCHIVED'`,
      );
      expect(stranded).toBe(0);
    }
  });
});
