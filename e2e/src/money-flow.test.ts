import { randomBytes, randomUUID } from 'node:crypto';
import { queryRows } from '@marketplace/kit';
import { uuidOf } from '@marketplace/kit/testing';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';
import { paymentIntentOnceKnown, postWebhook, succeeded } from './testing/money';
import { addToCart, codeOf, downloadThroughGateway, freshVendor, register, signIn } from './testing/privacy';

/**
 * Issue 23's proof, through the gateway only: two products of two vendors bought with a vendor
 * coupon and a platform coupon, by an EU consumer and by a reverse-charged business, paid through
 * a Stripe-signed webhook, one line refunded, then the rest; every figure checked to the cent
 * (order, payment, invoice and credit notes, both vendors' ledgers, licenses), and the invoice's
 * PDF through the REST edge. The expected figures are worked out here by hand, not by the code
 * under test.
 */
const WEBHOOK_SECRET = `whsec_${randomUUID().replace(/-/g, '')}`;
const year = new Date().getUTCFullYear();
const usd = (amount: number) => ({ amount, currency: 'USD' });

let supergraph: TestSupergraph;
let admin: string;
let vendorOne: Awaited<ReturnType<typeof freshVendor>>;
let vendorTwo: Awaited<ReturnType<typeof freshVendor>>;
let vendorCoupon: string;
let platformCoupon: string;

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PAYMENT_SIMULATION_ENABLED: 'true',
    REGISTRATIONS_PER_IP_PER_HOUR: '1000',
    URL_SIGNING_SECRET: randomBytes(32).toString('hex'),
    SELLER_COUNTRY: 'IE',
    ORDER_EXPIRY_CHECK_SECONDS: '3600',
  });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  admin = await signIn(supergraph, 'admin@marketplace.local', 'admin-password-123');
  // Two vendors, one product each at 25.00 USD, 15 % commission (the default for new vendors).
  vendorOne = await freshVendor(supergraph, admin);
  vendorTwo = await freshVendor(supergraph, admin);
  const suffix = randomUUID().slice(0, 8).toUpperCase();
  vendorCoupon = `VENDOR10-${suffix}`;
  platformCoupon = `PLATFORM5-${suffix}`;
  // Vendor one: 10 % off its own products, funded by the vendor.
  await until(
    async () =>
      (
        await gql().request(CREATE_COUPON, {
          variables: { i: { code: vendorCoupon, kind: 'PERCENTAGE', percentOffBps: 1000 } },
          token: vendorOne.token,
        })
      ).data?.createCoupon ?? undefined,
    'the orders subgraph to know vendor one',
  );
  // The platform: 5.00 USD off anything, funded by the marketplace.
  await gql().data(CREATE_COUPON, {
    variables: { i: { code: platformCoupon, kind: 'FIXED_AMOUNT', amountsOff: [usd(500)] } },
    token: admin,
  });
}, 180_000);
afterAll(() => supergraph?.close(), 60_000);

const gql = () => supergraph.client;
const CREATE_COUPON = `mutation($i: CreateCouponInput!) { createCoupon(input: $i) { coupon { id code } } }`;
const APPLY = `mutation($c: String!) { applyCoupon(input: { code: $c }) { cart { discount { amount } items { discount { amount } } } } }`;
const CHECKOUT = `mutation($k: String!, $b: BillingDetailsInput!) { checkout(input: { idempotencyKey: $k, billing: $b }) {
  order { id subtotal { amount currency } discount { amount } tax { amount } total { amount currency }
    taxes { rateBps taxable { amount } tax { amount } } billing { reverseCharge }
    items { product { id } discount { amount } taxRateBps tax { amount } total { amount } } } } }`;
const ORDER = `query($o: ID!) { order(id: $o) { status refunded { amount currency }
  items { product { id } refundedAt total { amount } }
  licenses { status product { id } }
  payments { status amount { amount currency } refunded { amount currency } }
  invoice { number total { amount currency } pdfUrl }
  creditNotes { number invoiceNumber amount { amount currency } } } }`;
const REFUND = `mutation($o: ID!, $p: [ID!]) { refundOrder(input: { orderId: $o, productIds: $p, reason: "the customer returned it" }) {
  payment { refunded { amount } } } }`;

interface Billing {
  name: string;
  country: string;
  businessName?: string;
  vatId?: string;
}

/** A new buyer fills the cart with both products and both coupons, checks out with `billing`, and pays through the signed webhook. */
async function buyAndPay(billing: Billing) {
  const buyer = await register(supergraph, billing.name.split(' ')[0]);
  await addToCart(supergraph, buyer.token, vendorOne.productId);
  await addToCart(supergraph, buyer.token, vendorTwo.productId);
  await gql().data(APPLY, { variables: { c: vendorCoupon.toLowerCase() }, token: buyer.token });
  const { applyCoupon } = await gql().data(APPLY, { variables: { c: platformCoupon }, token: buyer.token });
  // The cart already shows each line's discount, before tax.
  expect(applyCoupon.cart).toEqual({
    discount: { amount: 750 },
    items: [{ discount: { amount: 487 } }, { discount: { amount: 263 } }],
  });
  const { checkout } = await gql().data(CHECKOUT, { variables: { k: randomUUID(), b: billing }, token: buyer.token });
  const order = checkout.order;
  const payment = await paymentIntentOnceKnown(supergraph, order.id, buyer.token);
  // The payment intent is for the order's total, tax included.
  expect(payment.amount).toEqual(order.total);
  const delivered = await postWebhook(supergraph, WEBHOOK_SECRET, succeeded({ token: buyer.token, order, payment }));
  expect(delivered.status).toBe(200);
  const paid = await until(async () => {
    const { order: now } = await gql().data(ORDER, { variables: { o: order.id }, token: buyer.token });
    return now.status === 'FULFILLED' && now.invoice ? now : undefined;
  }, 'the order fulfilled and invoiced');
  return { buyer, order, paid };
}

async function refundAndWait(orderId: string, productId: string, token: string) {
  const { refundOrder } = await gql().data(REFUND, { variables: { o: orderId, p: [productId] }, token: admin });
  return {
    refundOrder,
    after: await until(async () => {
      const { order } = await gql().data(ORDER, { variables: { o: orderId }, token });
      const revoked = order.licenses.some((license: { status: string }) => license.status === 'REVOKED');
      return order.creditNotes.length === 1 && order.refunded.amount > 0 && revoked ? order : undefined;
    }, 'the refund everywhere'),
  };
}

it('an EU consumer pays 19 % VAT on the discounted lines; a refund of one line gives back that line, from its vendor only; then the rest', async () => {
  const { buyer, order, paid } = await buyAndPay({ name: 'Anna Schmidt', country: 'DE' });
  // Vendor one's line: 2500 − 250 (its 10 %) − 237 (its share of the platform's 500, largest remainder) = 2013,
  // tax 19 % = 382.47 → 382; vendor two's: 2500 − 263 = 2237, tax 425.03 → 425.
  expect(order).toMatchObject({
    subtotal: usd(5000),
    discount: { amount: 750 },
    tax: { amount: 807 },
    total: usd(5057),
    taxes: [{ rateBps: 1900, taxable: { amount: 4250 }, tax: { amount: 807 } }],
    billing: { reverseCharge: false },
    items: [
      { discount: { amount: 487 }, taxRateBps: 1900, tax: { amount: 382 }, total: { amount: 2395 } },
      { discount: { amount: 263 }, taxRateBps: 1900, tax: { amount: 425 }, total: { amount: 2662 } },
    ],
  });
  expect(paid.payments).toEqual([{ status: 'SUCCEEDED', amount: usd(5057), refunded: usd(0) }]);
  expect(paid.invoice).toMatchObject({
    number: expect.stringMatching(new RegExp(`^INV-${year}-\\d{6}$`)),
    total: usd(5057),
  });
  expect(paid.licenses.map((license: { status: string }) => license.status)).toEqual(['ACTIVE', 'ACTIVE']);
  // Vendor one is credited its discounted price (it funds its coupon), vendor two the full price (the platform funds its coupon);
  // commission 15 % of what each is credited, rounded half up; tax never reaches the vendors.
  expect(await vendorLedger(order.id, 4)).toEqual({
    [vendorOne.productId]: [
      ['COMMISSION', -338],
      ['SALE', 2250],
    ],
    [vendorTwo.productId]: [
      ['COMMISSION', -375],
      ['SALE', 2500],
    ],
  });

  const { refundOrder, after } = await refundAndWait(order.id, vendorTwo.productId, buyer.token);
  expect(refundOrder.payment.refunded).toEqual({ amount: 2662 });
  expect(after).toMatchObject({
    status: 'FULFILLED',
    refunded: usd(2662),
    items: [
      { product: { id: vendorOne.productId }, refundedAt: null },
      { product: { id: vendorTwo.productId }, refundedAt: expect.any(String) },
    ],
    payments: [{ status: 'SUCCEEDED', amount: usd(5057), refunded: usd(2662) }],
    creditNotes: [
      {
        number: expect.stringMatching(new RegExp(`^CN-${year}-\\d{6}$`)),
        invoiceNumber: paid.invoice.number,
        amount: usd(2662),
      },
    ],
  });
  const byProduct = Object.fromEntries(
    after.licenses.map((l: { product: { id: string }; status: string }) => [l.product.id, l.status]),
  );
  expect(byProduct).toEqual({ [vendorOne.productId]: 'ACTIVE', [vendorTwo.productId]: 'REVOKED' });
  // Exactly what was credited for the refunded line goes back, from its vendor only.
  expect(await vendorLedger(order.id, 6)).toEqual({
    [vendorOne.productId]: [
      ['COMMISSION', -338],
      ['SALE', 2250],
    ],
    [vendorTwo.productId]: [
      ['COMMISSION', -375],
      ['REFUND', -2500],
      ['REFUND_COMMISSION', 375],
      ['SALE', 2500],
    ],
  });

  const again = await gql().request(REFUND, { variables: { o: order.id, p: [vendorTwo.productId] }, token: admin });
  expect(again.errors?.[0].extensions).toMatchObject({
    code: 'CONFLICT',
    reason: 'LINE_ALREADY_REFUNDED',
    fields: [{ field: 'input.productIds.0', message: 'was refunded already' }],
  });

  // The invoice's PDF through the gateway's REST edge, by its signed link; a forged link is refused.
  const pdf = await downloadThroughGateway(supergraph, paid.invoice.pdfUrl);
  expect([pdf.status, pdf.headers.get('content-type'), pdf.headers.get('content-disposition')]).toEqual([
    200,
    'application/pdf',
    `attachment; filename="${paid.invoice.number}.pdf"`,
  ]);
  expect(
    Buffer.from(await pdf.arrayBuffer())
      .subarray(0, 5)
      .toString(),
  ).toBe('%PDF-');
  expect((await downloadThroughGateway(supergraph, `${paid.invoice.pdfUrl.slice(0, -2)}xx`)).status).toBe(403);
  // A vendor on the invoice reaches it from its ledger (orders shows orders to their buyer and admins only);
  // another customer learns nothing.
  // Billing learns who runs vendor two from the vendor events (its replica), as soon as it has handled them.
  type LedgerOrder = { id: string; invoice: { number: string } | null } | null;
  const ledgerOrders = await until(async () => {
    const { vendor } = await gql().data(
      `query($v: ID!) { vendor(id: $v) { ledger(first: 20) { edges { node { order { id invoice { number } } } } } } }`,
      { variables: { v: vendorTwo.vendorId }, token: vendorTwo.token },
    );
    const orders: LedgerOrder[] = vendor.ledger.edges.map((edge: { node: { order: LedgerOrder } }) => edge.node.order);
    return orders.some((line) => line?.invoice) ? orders : undefined;
  }, 'billing to show vendor two the invoice');
  expect(ledgerOrders).toContainEqual({ id: order.id, invoice: { number: paid.invoice.number } });
  const stranger = await register(supergraph, 'Otto');
  expect((await gql().data(ORDER, { variables: { o: order.id }, token: stranger.token })).order).toBeNull();

  // The rest: nothing is left paid, so the order, the payment and every license end refunded; a second credit note.
  const { refundOrder: rest } = await gql().data(REFUND, { variables: { o: order.id, p: null }, token: admin });
  expect(rest.payment.refunded).toEqual({ amount: 5057 });
  const closed = await until(async () => {
    const { order: now } = await gql().data(ORDER, { variables: { o: order.id }, token: buyer.token });
    // Orders, billing and licensing each hear of the refund on their own: wait for all three.
    const revoked = now.licenses.every((license: { status: string }) => license.status === 'REVOKED');
    return now.status === 'REFUNDED' && now.creditNotes.length === 2 && revoked ? now : undefined;
  }, 'the order wholly refunded');
  expect(closed).toMatchObject({
    refunded: usd(5057),
    payments: [{ status: 'REFUNDED', refunded: usd(5057) }],
    creditNotes: [{ amount: usd(2662) }, { amount: usd(2395), invoiceNumber: paid.invoice.number }],
  });
  expect(closed.licenses.map((license: { status: string }) => license.status)).toEqual(['REVOKED', 'REVOKED']);
  expect(await vendorLedger(order.id, 8)).toEqual({
    [vendorOne.productId]: [
      ['COMMISSION', -338],
      ['REFUND', -2250],
      ['REFUND_COMMISSION', 338],
      ['SALE', 2250],
    ],
    [vendorTwo.productId]: [
      ['COMMISSION', -375],
      ['REFUND', -2500],
      ['REFUND_COMMISSION', 375],
      ['SALE', 2500],
    ],
  });
});

it('a business in another member state with a VAT id is reverse charged: no tax, the same discounts, numbers follow on', async () => {
  const first = await buyAndPay({ name: 'Jean Dupont', country: 'DE' });
  const { buyer, order, paid } = await buyAndPay({
    name: 'Jean Dupont',
    country: 'FR',
    businessName: 'Acme SAS',
    vatId: 'FR40303265045',
  });
  expect(order).toMatchObject({
    subtotal: usd(5000),
    discount: { amount: 750 },
    tax: { amount: 0 },
    total: usd(4250),
    taxes: [],
    billing: { reverseCharge: true },
    items: [
      { taxRateBps: 0, tax: { amount: 0 }, total: { amount: 2013 } },
      { taxRateBps: 0, tax: { amount: 0 }, total: { amount: 2237 } },
    ],
  });
  expect(paid.payments).toEqual([{ status: 'SUCCEEDED', amount: usd(4250), refunded: usd(0) }]);
  // Gapless: the invoice after another is the next number.
  expect(numberOf(paid.invoice.number)).toBe(numberOf(first.paid.invoice.number) + 1);

  const { after } = await refundAndWait(order.id, vendorOne.productId, buyer.token);
  expect(after).toMatchObject({
    status: 'FULFILLED',
    refunded: usd(2013),
    creditNotes: [{ amount: usd(2013), invoiceNumber: paid.invoice.number }],
  });
  expect(await vendorLedger(order.id, 6)).toEqual({
    [vendorOne.productId]: [
      ['COMMISSION', -338],
      ['REFUND', -2250],
      ['REFUND_COMMISSION', 338],
      ['SALE', 2250],
    ],
    [vendorTwo.productId]: [
      ['COMMISSION', -375],
      ['SALE', 2500],
    ],
  });
});

it('refuses bad input with clear errors: unknown coupon, malformed VAT id, unknown country', async () => {
  const buyer = await register(supergraph, 'Bea');
  await addToCart(supergraph, buyer.token, vendorOne.productId);
  const unknown = await gql().request(APPLY, { variables: { c: 'NO-SUCH-CODE' }, token: buyer.token });
  expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
  for (const [billing, field] of [
    [{ name: 'Bea', country: 'FR', vatId: 'FR123' }, 'input.billing.vatId'],
    [{ name: 'Bea', country: 'ZZ' }, 'input.billing.country'],
  ] as const) {
    const result = await gql().request(CHECKOUT, { variables: { k: randomUUID(), b: billing }, token: buyer.token });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].extensions?.fields).toEqual([expect.objectContaining({ field })]);
  }
});

/** A document number's running part (INV-2026-000123 → 123). */
const numberOf = (documentNumber: string) => Number(documentNumber.split('-')[2]);

/** The order's `count` ledger entries (waited for: the ledger hears of payments and refunds by events), per product, as [kind, amount] sorted by kind. */
async function vendorLedger(orderId: string, count: number): Promise<Record<string, [string, number][]>> {
  const entries = await until(async () => {
    const rows = await queryRows<{ kind: string; amount: number; productId: string }>(
      supergraph.subgraphs.get('vendor')!.deps.db,
      `SELECT kind, amount::int AS amount, product_id AS "productId" FROM ledger_entries WHERE order_id = $1`,
      [uuidOf(orderId)],
    );
    return rows.length >= count ? rows : undefined;
  }, `${count} ledger entries`);
  const byProduct: Record<string, [string, number][]> = {};
  for (const entry of entries) (byProduct[`Product:${entry.productId}`] ??= []).push([entry.kind, entry.amount]);
  for (const lines of Object.values(byProduct)) lines.sort(([a], [b]) => a.localeCompare(b));
  return byProduct;
}
