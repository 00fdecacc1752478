import { createHash, randomBytes } from 'node:crypto';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * Issue 4's "done when", as a new user would do it, through the gateway only: apply as a
 * vendor, get approved, create and submit a product, get it published, and find it as an
 * anonymous visitor by a misspelled word, with the vendor's name in the same query.
 */
describe('from vendor application to a product anyone can find', () => {
  let supergraph: TestSupergraph;
  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    await supergraph.subgraphs.get('users')!.wiring.seed?.();
  });
  afterAll(() => supergraph?.close());

  const gql = () => supergraph.client;

  async function signIn(email: string, password: string) {
    const { login } = await gql().data(
      `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken refreshToken user { id role } } }`,
      {
        variables: { e: email, p: password },
      },
    );
    return login as { accessToken: string; refreshToken: string; user: { id: string; role: string } };
  }

  it('works end to end', async () => {
    const email = `flow.${Date.now()}@example.com`;
    const { register } = await gql().data(
      `mutation($i: RegisterInput!) { register(input: $i) { accessToken refreshToken user { id } } }`,
      {
        variables: { i: { email, password: 'flow vendor passphrase', displayName: 'Flo Vendor' } },
      },
    );
    const admin = await signIn('admin@marketplace.local', 'admin-password-123');

    const {
      applyAsVendor: { vendor: applied },
    } = await gql().data(
      `mutation { applyAsVendor(input: { displayName: "Flowline Labs", bio: "Agents that answer tickets." }) { vendor { id status } } }`,
      {
        token: register.accessToken,
      },
    );
    expect(applied.status).toBe('PENDING');
    expect(
      await gql().errorCode(`mutation($id: ID!) { approveVendor(input: { vendorId: $id }) { vendor { id } } }`, {
        variables: { id: applied.id },
        token: register.accessToken,
      }),
    ).toBe('FORBIDDEN');
    const { approveVendor } = await gql().data(
      `mutation($id: ID!) { approveVendor(input: { vendorId: $id }) { vendor { status owner { id } } } }`,
      {
        variables: { id: applied.id },
        token: admin.accessToken,
      },
    );
    expect(approveVendor.vendor).toEqual({ status: 'ACTIVE', owner: { id: register.user.id } });

    // vendor.approved reaches users (role) and catalog (vendor replica) through the backbone.
    let latestRefresh = register.refreshToken;
    const vendorSession = await until(async () => {
      const { refreshToken } = await gql().data(
        `mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken refreshToken user { role } } }`,
        {
          variables: { t: latestRefresh },
        },
      );
      latestRefresh = refreshToken.refreshToken;
      return refreshToken.user.role === 'VENDOR' ? refreshToken : undefined;
    }, 'the VENDOR role');

    const { categories } = await gql().data(`{ categories { id slug children { id slug } } }`);
    const category = categories.find((c: { slug: string }) => c.slug === 'agents').children[0];
    const product = await until(async () => {
      const result = await gql().request(
        `mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id status vendor { id } } } }`,
        {
          variables: {
            i: {
              name: 'Helpdesk Assistant Flowline',
              description: 'Answers customer tickets around the clock and hands hard ones to a human.',
              kind: 'AGENT',
              price: { amount: 4900, currency: 'USD' },
              categoryId: category.id,
              tags: ['support', 'helpdesk'],
            },
          },
          token: vendorSession.accessToken,
        },
      );
      return result.data?.createProduct?.product ?? undefined;
    }, 'the catalog to know the approved vendor');
    expect(product).toMatchObject({ status: 'DRAFT', vendor: { id: applied.id } });

    // The build goes up through the gateway's REST edge, straight into the catalog's storage.
    const {
      createArtifactUpload: { upload },
    } = await gql().data(
      `mutation($id: ID!) { createArtifactUpload(input: { productId: $id, version: "1.0.0" }) { upload { uploadUrl maxBytes } } }`,
      {
        variables: { id: product.id },
        token: vendorSession.accessToken,
      },
    );
    const artifact = randomBytes(256 * 1024);
    const uploadUrl = new URL(new URL(upload.uploadUrl).pathname, supergraph.gateway.url);
    const uploaded = await fetch(uploadUrl, {
      method: 'PUT',
      body: artifact,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(uploaded.status).toBe(200);
    const sha256 = createHash('sha256').update(artifact).digest('hex');
    expect(await uploaded.json()).toEqual({ sha256, size: artifact.length, version: '1.0.0' });
    expect((await fetch(uploadUrl, { method: 'PUT', body: artifact })).status).toBe(409);

    const submitted = await gql().data(
      `mutation($id: ID!) { submitProductForReview(input: { productId: $id }) { product { status } } }`,
      {
        variables: { id: product.id },
        token: vendorSession.accessToken,
      },
    );
    expect(submitted.submitProductForReview.product.status).toBe('IN_REVIEW');
    const published = await gql().data(
      `mutation($id: ID!) { approveProduct(input: { productId: $id }) { product { status } } }`,
      {
        variables: { id: product.id },
        token: admin.accessToken,
      },
    );
    expect(published.approveProduct.product.status).toBe('PUBLISHED');

    const { products } = await gql().data(
      `{ products(filter: { search: "helpdsk asistant flowlin" }, first: 5) { totalCount edges { node { id name price { amount currency } artifact { sha256 size version } vendor { displayName } } } } }`,
    );
    expect(products.edges[0].node).toEqual({
      id: product.id,
      name: 'Helpdesk Assistant Flowline',
      price: { amount: 4900, currency: 'USD' },
      artifact: { sha256, size: artifact.length, version: '1.0.0' },
      vendor: { displayName: 'Flowline Labs' },
    });
  });
});
