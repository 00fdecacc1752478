import { queryRows } from '@marketplace/kit';
import { TestSubgraph } from '@marketplace/kit/testing';
import { customer, paid, placeOrder, startOrders } from '../testing';
import { TopSellerRollups1800900000000 } from './1800900000000-top-seller-rollups';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const db = () => orders.subgraph.deps.db;

/** Everything the migration keeps, as rows a comparison can hold. */
const snapshot = async () => ({
  vendors: await queryRows(db(), `SELECT * FROM order_daily_vendors ORDER BY day, currency, vendor_id`),
  monthly: await queryRows(db(), `SELECT * FROM order_monthly_products ORDER BY month, currency, product_id`),
  customers: await queryRows(db(), `SELECT day, currency, customer_count FROM order_daily ORDER BY day, currency`),
});

it('backfills from the history what its triggers keep from then on, and goes down cleanly', async () => {
  for (const token of [customer(), customer()]) await paid(orders, (await placeOrder(orders, token)).order);
  const kept = await snapshot();
  expect(kept.vendors.length).toBeGreaterThan(0);
  expect(kept.monthly.length).toBeGreaterThan(0);
  expect(kept.customers).toEqual([expect.objectContaining({ customer_count: 2 })]);

  const migration = new TopSellerRollups1800900000000();
  const runner = db().createQueryRunner();
  try {
    await migration.down(runner);
    await migration.up(runner);
  } finally {
    await runner.release();
  }
  expect(await snapshot()).toEqual(kept);
});
