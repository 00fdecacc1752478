import { randomUUID } from 'node:crypto';
import { Events, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, deliverEvent, productState } from '@marketplace/kit/testing';
import { archive, published, replicaOf, startOrders } from '../testing';

/** The product replica follows the catalog's events, in whatever order they arrive. */
let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const t = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes)).toISOString();

it('product.published stores the product as PUBLISHED with its price and revision', async () => {
  const state = await published(orders, { revision: 4 });
  expect(await replicaOf(orders, state.productId)).toEqual({
    name: state.name,
    amount: 1500,
    status: 'PUBLISHED',
    revision: 4,
  });
});

it('keeps revision 3 when revision 2 arrives after it', async () => {
  const state = productState();
  await deliverEvent(
    orders,
    Events.ProductUpdated,
    { ...state, name: 'Third', price: { amount: 300, currency: 'USD' }, revision: 3 },
    { occurredAt: t(3) },
  );
  await deliverEvent(
    orders,
    Events.ProductUpdated,
    { ...state, name: 'Second', price: { amount: 200, currency: 'USD' }, revision: 2 },
    { occurredAt: t(2) },
  );
  await deliverEvent(orders, Events.ProductPublished, { ...state, name: 'First', revision: 1 }, { occurredAt: t(1) });
  expect(await replicaOf(orders, state.productId)).toEqual({
    name: 'Third',
    amount: 300,
    status: 'PUBLISHED',
    revision: 3,
  });
});

it('ignores a repeated revision', async () => {
  const state = await published(orders, { revision: 2 });
  await deliverEvent(orders, Events.ProductUpdated, { ...state, name: 'Same revision, other name' });
  expect((await replicaOf(orders, state.productId)).name).toBe(state.name);
});

it('product.archived marks it ARCHIVED; a later, higher revision republishes it', async () => {
  const state = productState();
  await deliverEvent(orders, Events.ProductPublished, state, { occurredAt: t(10) });
  await archive(orders, state, t(11));
  expect(await replicaOf(orders, state.productId)).toMatchObject({ status: 'ARCHIVED', revision: 1 });
  await deliverEvent(orders, Events.ProductPublished, { ...state, revision: 2 }, { occurredAt: t(12) });
  expect(await replicaOf(orders, state.productId)).toMatchObject({ status: 'PUBLISHED', revision: 2 });
});

it('a late state from before the archive does not bring the product back', async () => {
  const state = productState();
  await deliverEvent(orders, Events.ProductPublished, state, { occurredAt: t(20) });
  await archive(orders, state, t(22));
  await deliverEvent(orders, Events.ProductUpdated, { ...state, name: 'Late', revision: 2 }, { occurredAt: t(21) });
  expect(await replicaOf(orders, state.productId)).toMatchObject({
    name: state.name,
    status: 'ARCHIVED',
    revision: 1,
  });
});

it('an archive that overtook the publication keeps the product archived', async () => {
  const state = productState();
  await archive(orders, state, t(31));
  await deliverEvent(orders, Events.ProductPublished, state, { occurredAt: t(30) });
  expect(await replicaOf(orders, state.productId)).toMatchObject({ status: 'ARCHIVED', revision: 0 });
});

it('a late archive older than a republication changes nothing', async () => {
  const state = productState();
  await deliverEvent(orders, Events.ProductPublished, { ...state, revision: 5 }, { occurredAt: t(42) });
  await archive(orders, state, t(41));
  expect(await replicaOf(orders, state.productId)).toMatchObject({ status: 'PUBLISHED', revision: 5 });
});

it('applies a redelivered event once', async () => {
  const state = productState();
  const envelope = await deliverEvent(orders, Events.ProductPublished, state);
  await deliver(orders, envelope);
  expect(
    await queryRows(orders.subgraph.deps.db, `SELECT handler FROM inbox WHERE event_id = $1`, [envelope.id]),
  ).toEqual([{ handler: 'replicate-product-published' }]);
});

it('keeps the category a state carries (coupons target categories), the newest revision winning; none when absent', async () => {
  const categoryOf = async (productId: string) =>
    (
      await queryRows<{ categoryId: string | null }>(
        orders.subgraph.deps.db,
        `SELECT category_id AS "categoryId" FROM products WHERE id = $1`,
        [productId],
      )
    )[0].categoryId;
  const [first, second] = [randomUUID(), randomUUID()];
  const state = await published(orders, { categoryId: first });
  expect(await categoryOf(state.productId)).toBe(first);
  await deliverEvent(orders, Events.ProductUpdated, { ...state, categoryId: second, revision: 3 });
  await deliverEvent(orders, Events.ProductUpdated, { ...state, categoryId: first, revision: 2 });
  expect(await categoryOf(state.productId)).toBe(second);
  const before = await published(orders);
  expect(await categoryOf(before.productId)).toBeNull();
});
