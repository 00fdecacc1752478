import { randomUUID } from 'node:crypto';
import { DisputeStatus, Events, queryRows, rawIdOf } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, sqlDuring, uuidOf } from '@marketplace/kit/testing';
import {
  ARCHIVE_PRODUCT,
  TestVendor,
  addVendor,
  createProduct,
  publishedProduct,
  setVendorStatus,
  startCatalog,
} from '../testing';
import { ALSO_BOUGHT_MAX, CO_PURCHASE_MAX_PRODUCTS } from './co-purchase.service';

/** Co-purchase counts from order.paid and payment.refunded, and Product.customersAlsoBought. */
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const ALSO = `query($id: ID!, $first: Int) { product(id: $id) { id customersAlsoBought(first: $first) { id } } }`;

const alsoBought = async (productId: string, first?: number) =>
  (
    (await catalog.client.data(ALSO, { variables: { id: productId, first } })).product.customersAlsoBought as {
      id: string;
    }[]
  ).map((product) => product.id);

function paidOrder(productIds: string[], orderId: string = randomUUID()) {
  return {
    orderId,
    number: `MP-${orderId.slice(0, 8)}`,
    userId: randomUUID(),
    paymentId: randomUUID(),
    total: { amount: 100 * productIds.length, currency: 'USD' },
    items: productIds.map((productId) => ({
      productId: rawIdOf(productId),
      vendorId: vendor.vendorId,
      name: 'Product',
      unitPrice: { amount: 100, currency: 'USD' },
    })),
  };
}
const pay = (productIds: string[], orderId?: string) =>
  deliverEvent(catalog, Events.OrderPaid, paidOrder(productIds, orderId));
const refund = (orderId: string, orderCancelled?: boolean) =>
  deliverEvent(catalog, Events.PaymentRefunded, {
    paymentId: randomUUID(),
    orderId,
    amount: { amount: 100, currency: 'USD' },
    providerRef: 'pi_test',
    reason: 'requested_by_customer',
    ...(orderCancelled === undefined ? {} : { orderCancelled }),
  });
const countOf = async (a: string, b: string) =>
  (
    await queryRows<{ order_count: number }>(
      catalog.subgraph.deps.db,
      `SELECT order_count FROM co_purchases WHERE product_id = $1 AND other_product_id = $2`,
      [uuidOf(a), uuidOf(b)],
    )
  )[0]?.order_count ?? 0;

async function products(count: number, owner = vendor) {
  const made: { id: string }[] = [];
  for (let i = 0; i < count; i += 1) made.push(await publishedProduct(catalog, owner));
  return made;
}

it('counts the products of one paid order as bought together, both ways, most often first', async () => {
  const [a, b, c, d] = await products(4);
  await pay([a.id, b.id, c.id]);
  await pay([a.id, c.id]);
  await pay([a.id, c.id, d.id, c.id]); // a product twice in one order counts once
  expect(await countOf(a.id, c.id)).toBe(3);
  expect(await countOf(c.id, a.id)).toBe(3);
  expect(await countOf(a.id, b.id)).toBe(1);
  expect(await countOf(c.id, c.id)).toBe(0);
  const [first, ...ties] = await alsoBought(a.id);
  expect(first).toBe(c.id);
  expect(ties.sort()).toEqual([b.id, d.id].sort());
  expect(await alsoBought(a.id, 1)).toEqual([c.id]);
  expect(await alsoBought(b.id)).toEqual(expect.arrayContaining([a.id, c.id]));
  expect(await alsoBought(b.id)).toHaveLength(2);
});

it('counts an order once however often order.paid arrives, and a refund takes it back once', async () => {
  const [a, b] = await products(2);
  const orderId = randomUUID();
  const envelope = await pay([a.id, b.id], orderId);
  await catalog.subgraph.events.transport.publish(envelope); // redelivery: the inbox drops it
  await pay([a.id, b.id], orderId); // another envelope for the same order: the order is counted already
  await pay([a.id, b.id]);
  expect(await countOf(a.id, b.id)).toBe(2);

  await refund(orderId);
  await refund(orderId);
  expect(await countOf(a.id, b.id)).toBe(1);
  expect(await countOf(b.id, a.id)).toBe(1);
});

it('never counts an order whose refund overtook its order.paid, nor uncounts for money that came after a cancellation', async () => {
  const [a, b] = await products(2);
  const early = randomUUID();
  await refund(early);
  await pay([a.id, b.id], early);
  expect(await countOf(a.id, b.id)).toBe(0);

  const counted = randomUUID();
  await pay([a.id, b.id], counted);
  await refund(counted, true);
  expect(await countOf(a.id, b.id)).toBe(1);
  expect(await alsoBought(a.id)).toEqual([b.id]);
  await refund(counted);
  expect(await alsoBought(a.id)).toEqual([]);
});

it('counts concurrent orders of the same products exactly, each once', async () => {
  const [a, b, c] = await products(3);
  const orders = Array.from({ length: 12 }, () => paidOrder([a.id, b.id, c.id]));
  // Every order delivered twice, all at once: concurrent upserts of the same pairs, and duplicates.
  await Promise.all(
    orders.flatMap((order) => [order, order]).map((order) => deliverEvent(catalog, Events.OrderPaid, order)),
  );
  expect(await countOf(a.id, b.id)).toBe(12);
  expect(await countOf(c.id, a.id)).toBe(12);
  await Promise.all(orders.slice(0, 5).map((order) => refund(order.orderId)));
  expect(await countOf(b.id, c.id)).toBe(7);
});

it(`bounds an order to its first ${CO_PURCHASE_MAX_PRODUCTS} distinct products`, async () => {
  const productIds = Array.from({ length: CO_PURCHASE_MAX_PRODUCTS + 5 }, () => randomUUID());
  const order = paidOrder(productIds);
  await deliverEvent(catalog, Events.OrderPaid, order);
  const [{ pairs, products: counted }] = await queryRows<{ pairs: number; products: number }>(
    catalog.subgraph.deps.db,
    `SELECT count(*)::int AS pairs, count(DISTINCT product_id)::int AS products FROM co_purchases
      WHERE product_id = ANY($1::uuid[])`,
    [productIds],
  );
  expect(counted).toBe(CO_PURCHASE_MAX_PRODUCTS);
  expect(pairs).toBe(CO_PURCHASE_MAX_PRODUCTS * (CO_PURCHASE_MAX_PRODUCTS - 1));
});

it('answers only products in the storefront: not archived ones, nor those of a suspended vendor', async () => {
  const other = await addVendor(catalog);
  const [a, kept, archived] = await products(3);
  const [suspended] = await products(1, other);
  const draft = await createProduct(catalog, vendor);
  await pay([a.id, kept.id, archived.id, suspended.id, draft.id]);
  await catalog.client.data(ARCHIVE_PRODUCT, { variables: { productId: archived.id }, token: vendor.token });
  await setVendorStatus(catalog, other.vendorId, 'SUSPENDED');
  expect(await alsoBought(a.id)).toEqual([kept.id]);
  await setVendorStatus(catalog, other.vendorId, 'ACTIVE');
  expect((await alsoBought(a.id)).sort()).toEqual([kept.id, suspended.id].sort());
});

it(`refuses a first outside 1 to ${ALSO_BOUGHT_MAX} with BAD_USER_INPUT`, async () => {
  const [a] = await products(1);
  for (const first of [0, ALSO_BOUGHT_MAX + 1]) {
    const answer = await catalog.client.request(ALSO, { variables: { id: a.id, first } });
    expect(answer.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  }
});

it('reads the partners of a whole page of products in one statement', async () => {
  const small = await addVendor(catalog);
  const large = await addVendor(catalog);
  const few = await products(2, small);
  const many = await products(6, large);
  await pay([...few, ...many].map((product) => product.id));
  const PAGE = `query($vendorId: ID!) { products(filter: { vendorId: $vendorId }, first: 10) {
    edges { node { id customersAlsoBought { id name } } } } }`;
  for (const [owner, list] of [
    [small, few],
    [large, many],
  ] as const) {
    const { result, statements } = await sqlDuring(catalog, () =>
      catalog.client.data(PAGE, { variables: { vendorId: owner.id } }),
    );
    expect(result.products.edges).toHaveLength(list.length);
    for (const edge of result.products.edges) expect(edge.node.customersAlsoBought).toHaveLength(4);
    expect(statements.filter((sql) => /co_purchases/.test(sql))).toHaveLength(1);
  }
});

it('takes an order back for a lost dispute, once even if it is also refunded; a won dispute changes nothing', async () => {
  const [a, b] = await products(2);
  const [won, lost] = [randomUUID(), randomUUID()];
  await pay([a.id, b.id], won);
  await pay([a.id, b.id], lost);
  const closed = (orderId: string, outcome: 'WON' | 'LOST') =>
    deliverEvent(catalog, Events.PaymentDisputeClosed, {
      paymentId: randomUUID(),
      orderId,
      disputeId: `du_${randomUUID()}`,
      outcome,
      status: outcome === 'WON' ? DisputeStatus.WON : DisputeStatus.LOST,
      amount: { amount: 200, currency: 'USD' },
      closedAt: new Date().toISOString(),
    });
  await closed(won, 'WON');
  expect(await countOf(a.id, b.id)).toBe(2);
  await closed(lost, 'LOST');
  await refund(lost);
  expect(await countOf(a.id, b.id)).toBe(1);
});
