import { randomUUID } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { Events, PayloadOf } from '@marketplace/kit';
import { Person, TestSubgraph, deliverEvent, globalId, startTestSubgraph } from '@marketplace/kit/testing';
import { billingSubgraph } from './index';

export const TEST_PUBLIC_URL = 'http://gateway.test:4000';

export function startBilling(env: Record<string, string> = {}): Promise<TestSubgraph> {
  return startTestSubgraph(billingSubgraph, { PUBLIC_URL: TEST_PUBLIC_URL, ...env });
}

export type OrderPaid = PayloadOf<typeof Events.OrderPaid>;
type Item = OrderPaid['items'][number];

const eur = (amount: number) => ({ amount, currency: 'EUR' });

/** A line with its money as orders prices it: `(unitPrice - discount)` taxed at `taxRateBps`, rounded half up. */
export function line(
  vendorId: string,
  name: string,
  unitPrice: number,
  discount = 0,
  taxRateBps = 0,
  vendorDiscount = 0,
): Item {
  const taxable = unitPrice - discount;
  const tax = Math.floor((taxable * taxRateBps + 5_000) / 10_000);
  return {
    productId: randomUUID(),
    vendorId,
    name,
    unitPrice: eur(unitPrice),
    discount: eur(discount),
    vendorDiscount: eur(vendorDiscount),
    taxRateBps,
    tax: eur(tax),
    total: eur(taxable + tax),
  };
}

/** order.paid of `buyer` for `items`, its totals summed from them. */
export function orderPaid(buyerId: string, items: Item[], billing?: OrderPaid['billing']): OrderPaid {
  const orderId = randomUUID();
  const sum = (pick: (item: Item) => number) => items.reduce((total, item) => total + pick(item), 0);
  return {
    orderId,
    number: `MP-${orderId.slice(0, 6)}`,
    userId: buyerId,
    paymentId: randomUUID(),
    total: eur(sum((item) => item.total!.amount)),
    subtotal: eur(sum((item) => item.unitPrice.amount)),
    discount: eur(sum((item) => item.discount!.amount)),
    tax: eur(sum((item) => item.tax!.amount)),
    ...(billing ? { billing } : {}),
    items,
  };
}

/** A vendor as vendor.approved announces it; the vendor's user is `owner`. */
export async function approvedVendor(billing: TestSubgraph, owner: Person): Promise<string> {
  const vendorId = randomUUID();
  await deliverEvent(billing, Events.VendorApproved, {
    vendorId,
    userId: owner.id,
    displayName: `Vendor ${vendorId.slice(0, 4)}`,
    slug: `v-${vendorId.slice(0, 8)}`,
    commissionBps: 1500,
  });
  return vendorId;
}

export interface InvoiceView {
  id: string;
  number: string;
  issuedAt: string;
  total: { amount: number; currency: string };
  pdfUrl: string;
}

export interface CreditNoteView {
  id: string;
  number: string;
  issuedAt: string;
  invoiceNumber: string;
  amount: { amount: number; currency: string };
  pdfUrl: string;
}

export const ORDER_BILLING = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order {
  invoice { id number issuedAt total { amount currency } pdfUrl }
  creditNotes { id number issuedAt invoiceNumber amount { amount currency } pdfUrl }
} } }`;

/** `Order.invoice` and `Order.creditNotes` as `token`'s holder gets them through the gateway, with the first error code. */
export async function billingOf(billing: TestSubgraph, orderId: string, token?: string) {
  const result = await billing.client.request<{
    _entities: { invoice: InvoiceView | null; creditNotes: CreditNoteView[] | null }[];
  }>(ORDER_BILLING, { variables: { reps: [{ __typename: 'Order', id: globalId('Order', orderId) }] }, token });
  const [entity] = result.data?._entities ?? [];
  return {
    invoice: entity?.invoice ?? null,
    creditNotes: entity?.creditNotes ?? null,
    code: result.errors?.[0]?.extensions?.code,
  };
}

/** GETs the subgraph directly, on the path of the URL the API gave (the gateway forwards it unchanged). */
export const fetchPdf = (billing: TestSubgraph, url: string) =>
  fetch(`${billing.subgraph.url.replace(/\/graphql$/, '')}${new URL(url).pathname}`);

/**
 * The text lines of a pdfkit PDF: its content streams inflated (node's zlib; uncompressed ones
 * as they are), then each `[...] TJ` array's hex strings joined (kerning splits words).
 */
export function pdfText(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const streams = [...raw.matchAll(/stream\n([\s\S]*?)\nendstream/g)].map((match) => {
    const bytes = Buffer.from(match[1], 'latin1');
    try {
      return inflateSync(bytes).toString('latin1');
    } catch {
      return match[1];
    }
  });
  return [...streams.join('\n').matchAll(/\[((?:<[0-9a-f]*>\s*-?\d*\s*)+)\] TJ/g)].map((match) =>
    [...match[1].matchAll(/<([0-9a-f]*)>/g)].map((hex) => Buffer.from(hex[1], 'hex').toString('latin1')).join(''),
  );
}
