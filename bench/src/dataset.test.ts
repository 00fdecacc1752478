import { createPublicKey, verify } from 'node:crypto';
import { queryRows } from '@marketplace/kit';
import { globalId, uuidOf } from '@marketplace/kit/testing';
import { TestSupergraph, startTestSupergraph } from '@marketplace/e2e/testing';
import {
  DATASET_PASSWORD,
  DatasetDatabases,
  DatasetReport,
  SUBGRAPH_NAMES,
  countRows,
  customerEmail,
  datasetCounts,
  datasetId,
  loadDataset,
  vendorEmail,
} from './dataset';
import { buildScenarios } from './scenarios';

/** The data set at 1 % through the real supergraph: counts, cross-subgraph consistency, and what clients see of it. */
const SCALE = 0.01;

let supergraph: TestSupergraph;
let dbs: DatasetDatabases;
let report: DatasetReport;
let rows: Record<string, number>;
beforeAll(async () => {
  supergraph = await startTestSupergraph();
  dbs = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [name, supergraph.subgraphs.get(name)!.deps.db]),
  ) as DatasetDatabases;
  report = await loadDataset(dbs, SCALE, undefined, { passwordHashCost: 10 });
  rows = await countRows(dbs);
}, 60_000);
afterAll(async () => {
  await supergraph?.close();
});

const gql = () => supergraph.client;
const one = async <T>(db: keyof DatasetDatabases, sql: string, parameters: unknown[] = []) =>
  (await queryRows<T>(dbs[db], sql, parameters))[0];
const signIn = async (email: string) =>
  (
    await gql().data(
      `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken user { id role } } }`,
      { variables: { e: email, p: DATASET_PASSWORD } },
    )
  ).login;

it('loads the scaled counts into every subgraph, consistent across them', async () => {
  const counts = datasetCounts(SCALE);
  expect(counts).toMatchObject({ users: 200, vendors: 5, admins: 1, products: 500, orders: 1000, categories: 60 });
  expect(report.counts).toEqual(counts);
  expect(rows).toMatchObject({
    'users.users': 200,
    'vendor.vendors': 5,
    'catalog.vendors': 5,
    'catalog.categories': 60,
    'catalog.products': 500,
    'orders.orders': 1000,
    'payments.orders': 1000,
  });
  // Rows only: 9 in 10 products have a cover image, some of them screenshots too.
  const covers = await one<{ covers: number; media: number }>(
    'catalog',
    `SELECT count(*) FILTER (WHERE kind = 'COVER')::int AS covers, count(*)::int AS media FROM product_media`,
  );
  expect(covers.covers).toBeGreaterThan(400);
  expect(covers.covers).toBeLessThan(500);
  expect(rows['catalog.product_media']).toBe(covers.media);
  expect(covers.media).toBeGreaterThan(covers.covers);
  const roles = await queryRows<{ role: string; count: number }>(
    dbs.users,
    `SELECT role, count(*)::int AS count FROM users GROUP BY role ORDER BY role`,
  );
  expect(roles).toEqual([
    { role: 'ADMIN', count: 1 },
    { role: 'CUSTOMER', count: 194 },
    { role: 'VENDOR', count: 5 },
  ]);

  // Every paid line has one license (licensing and the catalog's record), two ledger entries (four when refunded).
  const lines = await one<{ licensed: number; refunded: number; published: number }>(
    'orders',
    `SELECT count(*) FILTER (WHERE i.license_id IS NOT NULL)::int AS licensed, count(*) FILTER (WHERE o.status = 'REFUNDED')::int AS refunded,
            (SELECT count(*)::int FROM products) AS published
     FROM order_items i JOIN orders o ON o.id = i.order_id`,
  );
  expect(lines.licensed).toBeGreaterThan(1000);
  expect(rows['licensing.licenses']).toBe(lines.licensed);
  expect(rows['catalog.licenses']).toBe(lines.licensed);
  // Co-purchases: both ways, from the kept orders of two or more lines only.
  const pairs = await one<{ pairs: number; asymmetric: number; orders: number; refunded: number }>(
    'catalog',
    `SELECT (SELECT coalesce(sum(order_count), 0)::int FROM co_purchases) AS pairs,
            (SELECT count(*)::int FROM co_purchases c WHERE NOT EXISTS (SELECT 1 FROM co_purchases r
               WHERE r.product_id = c.other_product_id AND r.other_product_id = c.product_id AND r.order_count = c.order_count)) AS asymmetric,
            (SELECT count(*)::int FROM co_purchase_orders) AS orders,
            (SELECT count(*)::int FROM co_purchase_orders WHERE refunded) AS refunded`,
  );
  const kept = await one<{ pairs: number; paid: number; refunded: number }>(
    'orders',
    `SELECT (SELECT coalesce(sum(n * (n - 1)), 0)::int FROM (SELECT count(*) AS n FROM order_items i JOIN orders o ON o.id = i.order_id
               WHERE o.status = 'FULFILLED' GROUP BY o.id) k) AS pairs,
            (SELECT count(*)::int FROM orders WHERE status IN ('FULFILLED', 'REFUNDED')) AS paid,
            (SELECT count(*)::int FROM orders WHERE status = 'REFUNDED') AS refunded`,
  );
  expect(pairs).toEqual({ pairs: kept.pairs, asymmetric: 0, orders: kept.paid, refunded: kept.refunded });
  expect(pairs.pairs).toBeGreaterThan(0);
  expect(rows['vendor.ledger_entries']).toBe(2 * lines.licensed + 2 * lines.refunded);
  expect(rows['licensing.products']).toBe(lines.published);
  const statuses = await queryRows<{ status: string; count: number }>(
    dbs.orders,
    `SELECT status, count(*)::int AS count FROM orders GROUP BY status`,
  );
  const byStatus = Object.fromEntries(statuses.map((row) => [row.status, row.count]));
  expect(byStatus.FULFILLED).toBeGreaterThan(900);
  expect(rows['vendor.ledger_orders']).toBe(byStatus.FULFILLED + byStatus.REFUNDED);
  expect(rows['licensing.refunded_orders']).toBe(byStatus.REFUNDED);
  expect(
    await one('payments', `SELECT count(*)::int AS n FROM payments WHERE status IN ('SUCCEEDED', 'REFUNDED')`),
  ).toEqual({ n: byStatus.FULFILLED + byStatus.REFUNDED });
  // Reviews: about 30 % of licenses, one per customer and product, aggregates matching.
  expect(rows['catalog.reviews'] / lines.licensed).toBeGreaterThan(0.2);
  expect(rows['catalog.reviews'] / lines.licensed).toBeLessThan(0.35);
  expect(
    await one(
      'catalog',
      `SELECT count(*)::int AS n FROM products p LEFT JOIN (SELECT product_id, round(avg(rating), 1) AS r, count(*) AS c FROM reviews GROUP BY product_id) s ON s.product_id = p.id
                          WHERE p.rating <> coalesce(s.r, 0) OR p.review_count <> coalesce(s.c, 0)`,
    ),
  ).toEqual({ n: 0 });
  // Every order's amounts agree between orders and payments, and the number sequence continues after the data set.
  const totals = await queryRows<{ id: string; total: number }>(
    dbs.orders,
    `SELECT id, total_amount AS total FROM orders`,
  );
  const amounts = new Map(
    (await queryRows<{ id: string; amount: number }>(dbs.payments, `SELECT id, amount FROM orders`)).map((row) => [
      row.id,
      row.amount,
    ]),
  );
  expect(totals.every((order) => amounts.get(order.id) === order.total)).toBe(true);
  expect(await one('orders', `SELECT last_value::int AS n FROM order_number_seq`)).toEqual({ n: 1000 });
  // Reproducible ids: the SQL's md5 → uuid is datasetId's.
  expect(await one('users', `SELECT id FROM users WHERE email = $1`, [customerEmail(1)])).toEqual({
    id: datasetId('user', 7),
  });
});

it("finds generated products by full-text search (typos too), with their vendors' names", async () => {
  const product = await one<{ id: string; name: string; vendorId: string }>(
    'catalog',
    `SELECT id, name, vendor_id AS "vendorId" FROM products WHERE status = 'PUBLISHED' ORDER BY slug LIMIT 1`,
  );
  const vendors = new Map(
    (await queryRows<{ id: string; name: string }>(dbs.vendor, `SELECT id, display_name AS name FROM vendors`)).map(
      (row) => [row.id, row.name],
    ),
  );
  const search = async (text: string) =>
    (
      await gql().data(
        `query($s: String!) { products(filter: { search: $s }, first: 50) { totalCount edges { node { id name vendor { id displayName } } } } }`,
        {
          variables: { s: text },
        },
      )
    ).products;
  const exact = await search(product.name);
  expect(exact.totalCount).toBeGreaterThan(0);
  expect(exact.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(globalId('Product', product.id));
  for (const { node } of exact.edges) expect(node.vendor.displayName).toBe(vendors.get(uuidOf(node.vendor.id)));
  expect(
    exact.edges.find((edge: { node: { id: string } }) => edge.node.id === globalId('Product', product.id)).node.vendor
      .displayName,
  ).toMatch(/^[A-Z][a-z]+ [A-Za-z]+$/);
  // A misspelled word of the name still finds products (search_terms was filled).
  const long = await one<{ name: string }>(
    'catalog',
    `SELECT name FROM products WHERE status = 'PUBLISHED' AND name ~ '[A-Za-z]{9,}' ORDER BY slug LIMIT 1`,
  );
  const word = long.name.split(' ').reduce((longest, part) => (part.length > longest.length ? part : longest));
  const typo = await search(`${word.slice(0, 2)}${word.slice(3)}`);
  expect(typo.totalCount).toBeGreaterThan(0);
  expect(
    typo.edges.every((edge: { node: { name: string } }) => edge.node.name.toLowerCase().includes(word.toLowerCase())),
  ).toBe(true);
});

it('lets a generated customer log in and see their orders with items, licenses (verifiable keys) and payments', async () => {
  const buyer = await one<{ userId: string; orders: number }>(
    'orders',
    `SELECT user_id AS "userId", count(*)::int AS orders FROM orders WHERE status = 'FULFILLED' GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1`,
  );
  const { email } = await one<{ email: string }>('users', `SELECT email FROM users WHERE id = $1`, [buyer.userId]);
  expect(email).toMatch(/^user\d+@bench\.local$/);
  const session = await signIn(email);
  expect(session.user).toEqual({ id: globalId('User', buyer.userId), role: 'CUSTOMER' });
  const {
    me: { orders: myOrders },
  } = await gql().data(
    `{ me { orders(first: 20, filter: { status: FULFILLED }) { totalCount edges { node { id number status total { amount currency }
        items { name unitPrice { amount } product { id name } vendor { displayName } }
        licenses { id key status maxActivations product { id } }
        payments { status amount { amount currency } } statusHistory { from to reason } } } } } }`,
    { token: session.accessToken },
  );
  expect(myOrders.totalCount).toBe(buyer.orders);
  const publicKey = createPublicKey(
    ((await (await fetch(new URL('/licensing/public-key', supergraph.gateway.url))).json()) as { publicKeyPem: string })
      .publicKeyPem,
  );
  for (const { node: order } of myOrders.edges) {
    expect(order.status).toBe('FULFILLED');
    expect(order.number).toMatch(/^MP-\d{6}$/);
    expect(order.items.length).toBeGreaterThanOrEqual(1);
    expect(order.items.length).toBeLessThanOrEqual(3);
    for (const item of order.items) {
      expect(item.product.name).toBe(item.name);
      expect(item.vendor.displayName).toEqual(expect.any(String));
    }
    expect(order.total.amount).toBe(
      order.items.reduce((sum: number, item: { unitPrice: { amount: number } }) => sum + item.unitPrice.amount, 0),
    );
    expect(order.payments).toEqual([{ status: 'SUCCEEDED', amount: order.total }]);
    expect(order.statusHistory.map((change: { to: string }) => change.to)).toEqual([
      'PENDING_PAYMENT',
      'PAID',
      'FULFILLED',
    ]);
    expect(order.licenses.map((license: { product: { id: string } }) => license.product.id).sort()).toEqual(
      order.items.map((item: { product: { id: string } }) => item.product.id).sort(),
    );
    for (const license of order.licenses) {
      expect(license.status).toBe('ACTIVE');
      const [prefix, payload, signature] = license.key.split('.');
      expect(prefix).toBe('MP1');
      expect(verify(null, Buffer.from(payload), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
        v: 1,
        lid: uuidOf(license.id),
        pid: uuidOf(license.product.id),
        sub: buyer.userId,
        max: license.maxActivations,
      });
    }
  }
  // Licensing answers the key as valid (not activated yet).
  const key = myOrders.edges[0].node.licenses[0].key;
  expect(
    (
      await gql().data(`query($k: String!) { validateLicense(licenseKey: $k, fingerprint: "bench") { code } }`, {
        variables: { k: key },
      })
    ).validateLicense.code,
  ).toBe('NOT_ACTIVATED');
});

it('shows a generated vendor their balance and ledger', async () => {
  const session = await signIn(vendorEmail(1));
  expect(session.user).toEqual({ id: globalId('User', datasetId('user', 1)), role: 'VENDOR' });
  const { me } = await gql().data(
    `{ me { vendor { id displayName status commissionRate balance { currency available { amount } pending { amount } }
        earnings(period: ALL_TIME) { gross { amount } commission { amount } refunds { amount } net { amount } }
        ledger(first: 5) { totalCount edges { node { kind amount { amount } productName order { id } product { id } } } } } } }`,
    { token: session.accessToken },
  );
  const vendor = me.vendor;
  expect(vendor).toMatchObject({
    id: globalId('Vendor', datasetId('vendor', 1)),
    status: 'ACTIVE',
    commissionRate: 0.15,
  });
  const expected = await one<{ available: number; pending: number; entries: number; gross: number }>(
    'vendor',
    `SELECT coalesce(sum(amount) FILTER (WHERE available_at <= now()), 0)::int AS available, coalesce(sum(amount) FILTER (WHERE available_at > now()), 0)::int AS pending,
            count(*)::int AS entries, coalesce(sum(amount) FILTER (WHERE kind = 'SALE'), 0)::int AS gross
     FROM ledger_entries WHERE vendor_id = $1`,
    [uuidOf(vendor.id)],
  );
  expect(expected.entries).toBeGreaterThan(0);
  expect(vendor.balance).toEqual({
    currency: 'USD',
    available: { amount: expected.available },
    pending: { amount: expected.pending },
  });
  expect(vendor.earnings.gross.amount).toBe(expected.gross);
  expect(vendor.earnings.net.amount).toBe(expected.available + expected.pending);
  expect(vendor.ledger.totalCount).toBe(expected.entries);
  expect(vendor.ledger.edges).toHaveLength(5);
  for (const { node } of vendor.ledger.edges) {
    expect(['SALE', 'COMMISSION', 'REFUND', 'REFUND_COMMISSION']).toContain(node.kind);
    expect(node.order.id).toMatch(/^Order:/);
    expect(node.product.id).toMatch(/^Product:/);
    expect(node.productName).toEqual(expect.any(String));
  }
});

it('shows a product page with reviews by named authors and a rating that matches them', async () => {
  const top = await one<{ id: string }>(
    'catalog',
    `SELECT product_id AS id FROM reviews GROUP BY product_id ORDER BY count(*) DESC, product_id LIMIT 1`,
  );
  const { product } = await gql().data(
    `query($id: ID!) { product(id: $id) { name rating reviewCount vendor { displayName } reviews(first: 100) { totalCount edges { node { rating body owner { id displayName } } } } } }`,
    { variables: { id: globalId('Product', top.id) } },
  );
  const reviews = product.reviews.edges.map(
    (edge: { node: { rating: number; body: string; owner: { displayName: string } } }) => edge.node,
  );
  expect(product.reviewCount).toBeGreaterThan(1);
  expect(product.reviews.totalCount).toBe(product.reviewCount);
  expect(reviews).toHaveLength(Math.min(100, product.reviewCount));
  const average =
    Math.round(
      (reviews.reduce((sum: number, review: { rating: number }) => sum + review.rating, 0) * 10) / reviews.length,
    ) / 10;
  expect(product.rating).toBeCloseTo(average, 5);
  for (const review of reviews) {
    expect(review.rating).toBeGreaterThanOrEqual(1);
    expect(review.rating).toBeLessThanOrEqual(5);
    expect(review.body.length).toBeGreaterThan(0);
    expect(review.owner.displayName).toMatch(/^\S+ .+$/);
  }
});

// The benchmark's own preparation, which no other test runs: its tokens (signed here, as the
// benchmark signs them) must be accepted, and every variant must answer a full page. It runs every
// scenario once, so it gets its own bound: seconds alone, far more beside the suite on 2 cores.
it('prepares every benchmark scenario on the data set: signed tokens accepted, full pages', async () => {
  const scenarios = await buildScenarios(supergraph, dbs);
  // 7, issue 20's admin order search by email, by status and dates, by vendor, and its platform stats, and issue 22's
  // search with facets and search suggestions.
  expect(scenarios.map((scenario) => scenario.operation.title)).toHaveLength(13);
  expect(scenarios.map((scenario) => scenario.operation.title)).toContain('platform stats (daily series)');
  for (const scenario of scenarios) expect(scenario.requests.length).toBeGreaterThan(0);
}, 120_000);
