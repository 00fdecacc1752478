import { planOf } from './testing/query-plan';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * Issue 20's moderation queue through the gateway: two products submitted for review and one
 * vendor application wait, oldest first, each with how long it waited; approving a product
 * takes it out of the queue. One fetch per subgraph: the vendor subgraph answers
 * `moderationQueue` and its vendors, the catalog its products. Also: a category change is what
 * anonymous visitors see on their next read, cached answers notwithstanding.
 */
describe('the moderation queue, through the gateway', () => {
  let supergraph: TestSupergraph;
  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    await supergraph.subgraphs.get('users')!.wiring.seed?.();
  });
  afterAll(() => supergraph?.close());

  const gql = () => supergraph.client;
  const QUEUE = `{ moderationQueue {
    products(first: 10) { totalCount edges { node { submittedAt waitingSeconds product { id name status } } } }
    vendors(first: 10) { totalCount edges { node { submittedAt waitingSeconds vendor { id displayName status } } } }
  } }`;

  async function signIn(email: string, password: string): Promise<string> {
    const { login } = await gql().data(
      `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }`,
      { variables: { e: email, p: password } },
    );
    return login.accessToken;
  }

  async function register(name: string): Promise<{ accessToken: string; refreshToken: string }> {
    const { register } = await gql().data(
      `mutation($i: RegisterInput!) { register(input: $i) { accessToken refreshToken } }`,
      {
        variables: {
          i: {
            email: `${name.toLowerCase().replace(/ /g, '.')}.${Date.now()}@example.com`,
            password: 'moderation passphrase',
            displayName: name,
          },
        },
      },
    );
    return register;
  }

  async function apply(token: string, displayName: string): Promise<string> {
    const { applyAsVendor } = await gql().data(
      `mutation($n: String!) { applyAsVendor(input: { displayName: $n }) { vendor { id status } } }`,
      { variables: { n: displayName }, token },
    );
    expect(applyAsVendor.vendor.status).toBe('PENDING');
    return applyAsVendor.vendor.id;
  }

  it('plans one fetch per subgraph', () => {
    const { fetches } = planOf(QUEUE);
    expect(fetches.map((fetch) => fetch.subgraph).sort()).toEqual(['catalog', 'vendor']);
  });

  it('lists what waits, oldest first, with the wait; an approved product leaves the queue; only admins may look', async () => {
    const admin = await signIn('admin@marketplace.local', 'admin-password-123');
    const seller = await register('Queue Seller');
    const sellerVendorId = await apply(seller.accessToken, 'Queue Seller Labs');
    await gql().data(`mutation($id: ID!) { approveVendor(input: { vendorId: $id }) { vendor { id } } }`, {
      variables: { id: sellerVendorId },
      token: admin,
    });
    // The VENDOR role arrives with the next token; the catalog learns of the vendor from vendor.approved.
    let refresh = seller.refreshToken;
    const vendorToken = await until(async () => {
      const { refreshToken } = await gql().data(
        `mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken refreshToken user { role } } }`,
        { variables: { t: refresh } },
      );
      refresh = refreshToken.refreshToken;
      return refreshToken.user.role === 'VENDOR' ? (refreshToken.accessToken as string) : undefined;
    }, 'the VENDOR role');
    const { categories } = await gql().data(`{ categories { id children { id } } }`);
    const submit = async (name: string): Promise<string> => {
      const product = await until(async () => {
        const result = await gql().request(
          `mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } } }`,
          {
            variables: {
              i: {
                name,
                description: 'Waits for an admin.',
                kind: 'TOOL',
                price: { amount: 900, currency: 'USD' },
                categoryId: categories[0].children[0].id,
              },
            },
            token: vendorToken,
          },
        );
        return result.data?.createProduct?.product?.id as string | undefined;
      }, 'the catalog to know the approved vendor');
      await gql().data(`mutation($id: ID!) { submitProductForReview(input: { productId: $id }) { product { id } } }`, {
        variables: { id: product },
        token: vendorToken,
      });
      return product;
    };
    const first = await submit('Queued Tool One');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await submit('Queued Tool Two');
    const applicant = await register('Queue Applicant');
    const applicationId = await apply(applicant.accessToken, 'Queue Applicant Studio');

    const { moderationQueue } = await gql().data(QUEUE, { token: admin });
    expect(moderationQueue.products.totalCount).toBe(2);
    const products = moderationQueue.products.edges.map((edge: { node: unknown }) => edge.node);
    expect(products).toEqual([
      {
        submittedAt: expect.any(String),
        waitingSeconds: expect.any(Number),
        product: {
          id: first,
          name: 'Queued Tool One',
          status: 'IN_REVIEW',
        },
      },
      {
        submittedAt: expect.any(String),
        waitingSeconds: expect.any(Number),
        product: {
          id: second,
          name: 'Queued Tool Two',
          status: 'IN_REVIEW',
        },
      },
    ]);
    expect(Date.parse(products[0].submittedAt)).toBeLessThan(Date.parse(products[1].submittedAt) - 1000);
    expect(products[0].waitingSeconds).toBeGreaterThanOrEqual(products[1].waitingSeconds + 1);
    expect(moderationQueue.vendors).toEqual({
      totalCount: 1,
      edges: [
        {
          node: {
            submittedAt: expect.any(String),
            waitingSeconds: expect.any(Number),
            vendor: { id: applicationId, displayName: 'Queue Applicant Studio', status: 'PENDING' },
          },
        },
      ],
    });
    expect(moderationQueue.vendors.edges[0].node.waitingSeconds).toBeLessThan(60);

    await gql().data(`mutation($id: ID!) { approveProduct(input: { productId: $id }) { product { status } } }`, {
      variables: { id: first },
      token: admin,
    });
    const after = await gql().data(QUEUE, { token: admin });
    expect(
      after.moderationQueue.products.edges.map((edge: { node: { product: { id: string } } }) => edge.node.product.id),
    ).toEqual([second]);
    expect(after.moderationQueue.vendors.totalCount).toBe(1);

    for (const [token, code] of [
      [undefined, 'UNAUTHENTICATED'],
      [applicant.accessToken, 'FORBIDDEN'],
      [vendorToken, 'FORBIDDEN'],
    ] as const) {
      const refused = await gql().request(QUEUE, { token });
      expect(refused.data).toEqual({ moderationQueue: null });
      expect(refused.errors?.[0].extensions?.code).toBe(code);
    }
  });
  it("a category change reaches anonymous visitors at once, through the gateway's cached answers", async () => {
    const admin = await signIn('admin@marketplace.local', 'admin-password-123');
    const TREE = `{ categories { slug children { slug } } }`;
    const slugs = async () =>
      ((await gql().data(TREE)).categories as { slug: string; children: { slug: string }[] }[]).flatMap((root) => [
        root.slug,
        ...root.children.map((child) => child.slug),
      ]);
    await slugs(); // cached by the gateway and the catalog
    const { createCategory } = await gql().data(
      `mutation { createCategory(input: { name: "Gateway Cache Probe" }) { category { id slug } } }`,
      { token: admin },
    );
    expect(await slugs()).toContain('gateway-cache-probe');
    await gql().data(`mutation($id: ID!) { archiveCategory(input: { categoryId: $id }) { category { archivedAt } } }`, {
      variables: { id: createCategory.category.id },
      token: admin,
    });
    expect(await slugs()).not.toContain('gateway-cache-probe');
  });
});
