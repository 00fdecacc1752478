import { randomUUID } from 'node:crypto';
import { TestSubgraph, globalId, sqlDuring } from '@marketplace/kit/testing';
import { ADD, USER_CART, admin, customer, published, startOrders, userOf } from '../testing';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const IN_CART = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { id viewerInCart } } }`;
/** `_entities` representations of products by their uuids. */
const productReps = (ids: string[]) => ids.map((id) => ({ __typename: 'Product', id: globalId('Product', id) }));
const inCart = (ids: string[], token?: string) =>
  orders.client.request<{ _entities: { id: string; viewerInCart: boolean }[] }>(IN_CART, {
    variables: { reps: productReps(ids) },
    token,
  });
const add = (token: string, productId: string) =>
  orders.client.data(ADD, { variables: { productId: globalId('Product', productId) }, token });

describe('Product.viewerInCart', () => {
  it("answers for each viewer their own cart, and false when signed out, for someone else's or an unknown product", async () => {
    const [one, two] = [customer(), customer()];
    const a = await published(orders);
    const b = await published(orders);
    await add(one, a.productId);
    await add(two, b.productId);
    const ids = [a.productId, b.productId, randomUUID()];
    const answers = await Promise.all([inCart(ids, one), inCart(ids, two), inCart(ids), inCart(ids, admin())]);
    expect(answers.map((answer) => answer.data?._entities.map((p) => p.viewerInCart))).toEqual([
      [true, false, false],
      [false, true, false],
      [false, false, false],
      [false, false, false],
    ]);
  });

  it('is never shared between viewers: every answer selecting it is no-store', async () => {
    const token = customer();
    const p = await published(orders);
    await add(token, p.productId);
    for (const viewer of [token, customer(), undefined]) {
      expect((await inCart([p.productId], viewer)).headers.get('cache-control')).toBe('no-store');
    }
    // The stub alone stays shareable: only the viewer field makes the answer private.
    const publicAnswer = await orders.client.request(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { id } } }`,
      { variables: { reps: productReps([p.productId]) }, token },
    );
    expect(publicAnswer.headers.get('cache-control')).toMatch(/max-age=\d+, public/);
  });

  it('reads a whole list in one statement and creates no cart', async () => {
    const token = customer();
    const products = await Promise.all(Array.from({ length: 5 }, () => published(orders)));
    const { result, statements } = await sqlDuring(orders, () =>
      inCart(
        products.map((p) => p.productId),
        token,
      ),
    );
    expect(result.data?._entities.every((p) => p.viewerInCart === false)).toBe(true);
    expect(statements.filter((s) => /cart/.test(s))).toHaveLength(1);
    expect(await orders.subgraph.deps.db.query(`SELECT 1 FROM carts WHERE user_id = $1`, [userOf(token)])).toEqual([]);
  });
});

describe('User.cart', () => {
  it('reads the cart once however often the viewer appears, and never for another user', async () => {
    const token = customer();
    const reps = [userOf(token), userOf(customer()), userOf(token)].map((id) => ({
      __typename: 'User',
      id: globalId('User', id),
    }));
    const { result, statements } = await sqlDuring(orders, () =>
      orders.client.data<{ _entities: ({ cart: { id: string } | null } | null)[] }>(
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { cart { id } } } }`,
        { variables: { reps }, token },
      ),
    );
    const [mine, theirs, again] = result._entities.map((user) => user?.cart ?? null);
    expect(mine).not.toBeNull();
    expect(theirs).toBeNull();
    expect(again).toEqual(mine);
    expect(statements.filter((s) => /INSERT INTO carts/.test(s))).toHaveLength(1);
  });

  it('is never shared between viewers', async () => {
    const token = customer();
    for (const viewer of [token, customer(), undefined]) {
      const answer = await orders.client.request(USER_CART, {
        variables: { userId: globalId('User', userOf(token)) },
        token: viewer,
      });
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });
});
