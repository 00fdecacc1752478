import { TestSupergraph, startTestSupergraph } from './testing/supergraph';
import { DELETE, adaProducts, addToCart, codeOf, register, rowsIn, untilErasedEverywhere } from './testing/privacy';
import { uuidOf } from '@marketplace/kit/testing';

/** Issue 20's privacy bullet: an erasure racing a sign-in or a checkout ends consistent. */
let supergraph: TestSupergraph;
let products: string[];
beforeAll(async () => {
  supergraph = await startTestSupergraph({ REGISTRATIONS_PER_IP_PER_HOUR: '1000', ORDER_EXPIRY_CHECK_SECONDS: '3600' });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  products = await adaProducts(supergraph);
}, 120_000);
afterAll(() => supergraph?.close(), 60_000);

const gql = () => supergraph.client;

describe('races', () => {
  it('a sign-in racing the deletion ends with no usable session', async () => {
    const erin = await register(supergraph, 'Erin');
    const [login, deleted] = await Promise.all([
      gql().request(
        `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken refreshToken } }`,
        {
          variables: { e: erin.email, p: erin.password },
        },
      ),
      gql().request(DELETE, { variables: { p: erin.password }, token: erin.token }),
    ]);
    expect(codeOf(deleted)).toBe('OK');
    const session = login.data?.login as { accessToken: string; refreshToken: string } | undefined;
    if (session) {
      expect((await gql().request(`{ me { id } }`, { token: session.accessToken })).data?.me ?? null).toBeNull();
      const refreshed = await gql().request(
        `mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken } }`,
        {
          variables: { t: session.refreshToken },
        },
      );
      expect(codeOf(refreshed)).toBe('UNAUTHENTICATED');
    } else expect(codeOf(login)).toBe('UNAUTHENTICATED');
  });

  it('a checkout racing the deletion leaves no order under the old id', async () => {
    const frank = await register(supergraph, 'Frank');
    await addToCart(supergraph, frank.token, products[2] ?? products[0]);
    const [checkout, deleted] = await Promise.all([
      gql().request(
        `mutation { checkout(input: { idempotencyKey: "privacy-race-1", billing: { name: "Test Buyer", country: "US" } }) { order { id } } }`,
        {
          token: frank.token,
        },
      ),
      gql().request(DELETE, { variables: { p: frank.password }, token: frank.token }),
    ]);
    expect(codeOf(deleted)).toBe('OK');
    await untilErasedEverywhere(supergraph, frank.id);
    const orderId = checkout.data?.checkout?.order.id as string | undefined;
    if (orderId) {
      const [order] = await rowsIn<{ user_id: string }>(
        supergraph,
        'orders',
        'SELECT user_id FROM orders WHERE id = $1',
        [uuidOf(orderId)],
      );
      expect(order.user_id).not.toBe(uuidOf(frank.id));
    }
  });
});
