import { randomUUID } from 'node:crypto';
import { Envelope, Events, PayloadOf, Role, createEnvelope, queryRows, rawIdOf } from '@marketplace/kit';
import { Person, TestSubgraph, deliver, person, startTestSubgraph, tokenFor } from '@marketplace/kit/testing';
import { vendorSubgraph } from './index';

export function startVendor(env: Record<string, string> = {}): Promise<TestSubgraph> {
  return startTestSubgraph(vendorSubgraph, env);
}

/** A vendors subgraph without the earnings hold: a sale is available at once. */
export function startVendorWithoutHold(): Promise<TestSubgraph> {
  return startVendor({ VENDOR_EARNINGS_HOLD_DAYS: '0' });
}

export const VENDOR_FIELDS =
  'id displayName slug bio status commissionRate rejectionReason suspensionReason createdAt approvedAt owner { id }';

export interface VendorView {
  id: string;
  displayName: string;
  slug: string;
  bio: string | null;
  status: 'PENDING' | 'ACTIVE' | 'REJECTED' | 'SUSPENDED';
  commissionRate: number;
  rejectionReason: string | null;
  suspensionReason: string | null;
  createdAt: string;
  approvedAt: string | null;
  owner: { id: string };
}

export const APPLY = `mutation($input: ApplyAsVendorInput!) { applyAsVendor(input: $input) { vendor { ${VENDOR_FIELDS} } } }`;
export const APPROVE = `mutation($id: ID!) { approveVendor(input: { vendorId: $id }) { vendor { ${VENDOR_FIELDS} } } }`;
export const REJECT = `mutation($id: ID!, $reason: String!) { rejectVendor(input: { vendorId: $id, reason: $reason }) { vendor { ${VENDOR_FIELDS} } } }`;
export const SUSPEND = `mutation($id: ID!, $reason: String) { suspendVendor(input: { vendorId: $id, reason: $reason }) { vendor { ${VENDOR_FIELDS} } } }`;
export const REINSTATE = `mutation($id: ID!) { reinstateVendor(input: { vendorId: $id }) { vendor { ${VENDOR_FIELDS} } } }`;

/** The vendor a moderation or profile mutation answered (every payload holds `vendor`). */
export function vendorOfPayload(data: Record<string, { vendor: VendorView } | null>): VendorView {
  return Object.values(data)[0]!.vendor;
}

let counter = 0;
/** A display name no other test uses, so generated slugs never collide by accident. */
export function uniqueName(prefix = 'Shop'): string {
  counter += 1;
  return `${prefix} ${process.pid} ${Date.now().toString(36)} ${counter}`;
}

/** Applies through the API as `who` (a new customer by default). */
export async function applyAs(
  vendor: TestSubgraph,
  who: Person = person(),
  input: Record<string, unknown> = {},
): Promise<{ owner: Person; vendor: VendorView }> {
  const data = await vendor.client.data<{ applyAsVendor: { vendor: VendorView } }>(APPLY, {
    variables: { input: { displayName: uniqueName(), ...input } },
    token: who.token,
  });
  return { owner: who, vendor: data.applyAsVendor.vendor };
}

/** A vendor brought to `status` through the API, as an admin would. */
export async function vendorIn(
  vendor: TestSubgraph,
  status: VendorView['status'],
  admin: Person,
): Promise<{ owner: Person; vendor: VendorView }> {
  const made = await applyAs(vendor);
  const run = async (query: string, variables: Record<string, unknown> = {}) =>
    vendorOfPayload(
      await vendor.client.data<Record<string, { vendor: VendorView }>>(query, {
        variables: { id: made.vendor.id, ...variables },
        token: admin.token,
      }),
    );
  if (status === 'REJECTED') made.vendor = await run(REJECT, { reason: 'Not a fit for the marketplace yet.' });
  if (status === 'ACTIVE' || status === 'SUSPENDED') made.vendor = await run(APPROVE);
  if (status === 'SUSPENDED') made.vendor = await run(SUSPEND, { reason: 'Chargebacks under review.' });
  return made;
}

export { sqlDuring, tokenFor } from '@marketplace/kit/testing';

/** An approved vendor whose user holds a fresh VENDOR token (roles change at the next token). */
export async function activeVendor(
  vendor: TestSubgraph,
  admin: Person,
): Promise<{ owner: Person; vendor: VendorView }> {
  const made = await vendorIn(vendor, 'ACTIVE', admin);
  return {
    owner: { ...made.owner, role: Role.VENDOR, token: tokenFor(made.owner.id, Role.VENDOR) },
    vendor: made.vendor,
  };
}

export const SET_COMMISSION = `mutation($input: SetVendorCommissionInput!) { setVendorCommission(input: $input) { vendor { id commissionRate } commissionTerms { rateBps since } } }`;

/** Sets a vendor's commission rate through the API, as an admin would; answers when it took effect. */
export async function setCommission(vendor: TestSubgraph, vendorId: string, rateBps: number, admin: Person) {
  const data = await vendor.client.data<{
    setVendorCommission: { commissionTerms: { rateBps: number; since: string } };
  }>(SET_COMMISSION, { variables: { input: { vendorId: globalIdOf(vendorId), rateBps } }, token: admin.token });
  return data.setVendorCommission.commissionTerms;
}

const globalIdOf = (vendorId: string) => (vendorId.includes(':') ? vendorId : `Vendor:${vendorId}`);

/**
 * One line of an `order.paid` event: a product of `vendorId` at `price` minor units. Ids may be
 * global (as the API answered them) or bare uuids; events carry the uuid.
 */
export interface LineSpec {
  vendorId: string;
  price: number;
  currency?: string;
  productId?: string;
  name?: string;
}

export type OrderPaidPayload = PayloadOf<typeof Events.OrderPaid>;

let orderNumber = 0;
/** An `order.paid` envelope as the orders subgraph records it (not delivered). */
export function orderPaidEvent(lines: LineSpec[], occurredAt?: Date): Envelope<OrderPaidPayload> {
  orderNumber += 1;
  const items = lines.map((line, index) => ({
    productId: line.productId ? rawIdOf(line.productId) : randomUUID(),
    vendorId: rawIdOf(line.vendorId),
    name: line.name ?? `Product ${orderNumber}.${index + 1}`,
    unitPrice: { amount: line.price, currency: line.currency ?? 'USD' },
  }));
  const currency = items[0].unitPrice.currency;
  const payload: OrderPaidPayload = {
    orderId: randomUUID(),
    number: `MP-${String(orderNumber).padStart(6, '0')}`,
    userId: randomUUID(),
    total: { amount: items.reduce((sum, item) => sum + item.unitPrice.amount, 0), currency },
    items,
    paymentId: randomUUID(),
  };
  const envelope = createEnvelope(Events.OrderPaid, payload, {
    source: 'orders',
    correlationId: `test-${randomUUID()}`,
    aggregateId: payload.orderId,
  });
  if (occurredAt) envelope.occurredAt = occurredAt.toISOString();
  return envelope;
}

/** The `payment.refunded` that follows a paid order (not delivered). */
export function refundEvent(
  paid: Envelope<OrderPaidPayload>,
  occurredAt?: Date,
): Envelope<PayloadOf<typeof Events.PaymentRefunded>> {
  const { orderId, paymentId, total } = paid.payload;
  const payload = {
    orderId,
    paymentId,
    amount: total,
    providerRef: `re_${randomUUID().slice(0, 8)}`,
    reason: 'requested_by_customer',
  };
  const envelope = createEnvelope(Events.PaymentRefunded, payload, {
    source: 'payments',
    correlationId: paid.correlationId,
    aggregateId: orderId,
  });
  if (occurredAt) envelope.occurredAt = occurredAt.toISOString();
  return envelope;
}

/** Delivers an order.paid and waits until it is handled. */
export async function paidOrder(
  vendor: TestSubgraph,
  lines: LineSpec[],
  occurredAt?: Date,
): Promise<Envelope<OrderPaidPayload>> {
  const envelope = orderPaidEvent(lines, occurredAt);
  await deliver(vendor, envelope);
  return envelope;
}

export const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000);

/** Ledger rows of a vendor (its API id, or a uuid) straight from the table, oldest first. */
export async function ledgerRows(vendor: TestSubgraph, vendorId: string) {
  const rows = await queryRows<{
    kind: string;
    amount: string;
    currency: string;
    order_id: string | null;
    product_id: string | null;
    payout_id: string | null;
    available_at: Date;
  }>(
    vendor.subgraph.deps.db,
    `SELECT kind, amount, currency, order_id, product_id, payout_id, available_at FROM ledger_entries WHERE vendor_id = $1 ORDER BY created_at, kind`,
    [rawIdOf(vendorId)],
  );
  return rows.map((row) => ({ ...row, amount: Number(row.amount) }));
}

export const MONEY = 'amount currency';
export const BALANCE = `balance { currency available { ${MONEY} } pending { ${MONEY} } }`;
export const ENTRY_FIELDS = `id kind amount { ${MONEY} } productName order { id } product { id } payout { id status amount { ${MONEY} } } occurredAt availableAt createdAt`;

export interface Money {
  amount: number;
  currency: string;
}

const MONEY_VIEW = `query($id: ID!, $period: EarningsPeriod!) { vendor(id: $id) {
  ${BALANCE}
  balances { currency available { amount currency } pending { amount currency } }
  earnings(period: $period) { period currency gross { amount currency } commission { amount } refunds { amount } net { amount } }
  stats(period: $period) { period currency saleCount refundCount gross { amount } net { amount } topProducts { product { id } name saleCount gross { amount currency } } }
  ledger(first: 100) { totalCount edges { node { ${ENTRY_FIELDS} } } }
} }`;

/** MONEY_VIEW's answer: the fields the tests walk are typed, the rest is compared whole. */
export interface VendorMoney {
  balance: { currency: string; available: Money; pending: Money };
  balances: { currency: string }[];
  earnings: { gross: Money; net: unknown };
  stats: { saleCount: number; topProducts: { product: { id: string }; name: string }[] };
  ledger: {
    totalCount: number;
    edges: { node: { productName: string; order: unknown; payout: unknown; availableAt: string } }[];
  };
}

/** A vendor's balances, earnings, stats and ledger for `period`, as `token` sees them. */
export async function moneyOf(vendor: TestSubgraph, vendorId: string, token: string, period = 'ALL_TIME') {
  return (await vendor.client.data<{ vendor: VendorMoney }>(MONEY_VIEW, { variables: { id: vendorId, period }, token }))
    .vendor;
}

export const PAYOUT_FIELDS =
  'id status rejectionReason amount { amount currency } requestedAt paidAt rejectedAt vendor { id }';
export const REQUEST_PAYOUT = `mutation($input: RequestPayoutInput!) { requestPayout(input: $input) { payout { ${PAYOUT_FIELDS} } vendor { id } } }`;
export const MARK_PAYOUT_PAID = `mutation($id: ID!) { markPayoutPaid(input: { payoutId: $id }) { payout { ${PAYOUT_FIELDS} } } }`;
export const REJECT_PAYOUT = `mutation($id: ID!, $reason: String!) { rejectPayout(input: { payoutId: $id, reason: $reason }) { payout { ${PAYOUT_FIELDS} } vendor { id } } }`;

/** requestPayout's variables: `amount` minor units of `currency`, under a fresh idempotency key unless given. */
export function payoutInput(amount: unknown, currency: unknown = 'USD', idempotencyKey: unknown = randomUUID()) {
  return { input: { amount: { amount, currency }, idempotencyKey } };
}

/** The payout a payout mutation answered (every payload holds `payout`). */
export function payoutOfPayload(data: Record<string, { payout: PayoutView } | null>): PayoutView {
  return Object.values(data)[0]!.payout;
}

/** A payout as PAYOUT_FIELDS asks for it. */
export interface PayoutView {
  id: string;
  status: string;
  rejectionReason: string | null;
  amount: Money;
  requestedAt: string;
  paidAt: string | null;
  rejectedAt: string | null;
  vendor: { id: string };
}

/** An active vendor with a sale of `price` (available at once when the hold is 0 days: `price` − 15 %). */
export async function fundedVendor(
  vendor: TestSubgraph,
  admin: Person,
  price = 10_000,
): Promise<{ owner: Person; vendorId: string }> {
  const made = await activeVendor(vendor, admin);
  await paidOrder(vendor, [{ vendorId: made.vendor.id, price }]);
  return { owner: made.owner, vendorId: made.vendor.id };
}

/** The default-currency balance of a vendor, as an admin sees it. */
export async function balanceOf(vendor: TestSubgraph, admin: Person, vendorId: string) {
  return (
    await vendor.client.data<{ vendor: { balance: unknown } }>(`query($id: ID!) { vendor(id: $id) { ${BALANCE} } }`, {
      variables: { id: vendorId },
      token: admin.token,
    })
  ).vendor.balance;
}

/** Asks for a payout as `owner` (under a fresh idempotency key unless given) and returns it (fails the test if refused). */
export async function requestPayout(
  vendor: TestSubgraph,
  owner: Person,
  amount: number,
  currency = 'USD',
  idempotencyKey: string = randomUUID(),
) {
  return (
    await vendor.client.data<{ requestPayout: { payout: PayoutView } }>(REQUEST_PAYOUT, {
      variables: payoutInput(amount, currency, idempotencyKey),
      token: owner.token,
    })
  ).requestPayout.payout;
}
