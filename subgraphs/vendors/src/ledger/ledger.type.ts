import { Connection, CurrencyCode, ListSize, Money } from '@marketplace/kit';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toAmount } from './ledger.math';

/** How many products `VendorStats.topProducts` lists. */
export const TOP_PRODUCTS = 5;

/** What moved a vendor's money; the migration checks each kind's sign and what it points at. */
export enum LedgerEntryKind {
  SALE = 'SALE',
  COMMISSION = 'COMMISSION',
  REFUND = 'REFUND',
  REFUND_COMMISSION = 'REFUND_COMMISSION',
  PAYOUT = 'PAYOUT',
  PAYOUT_REVERSAL = 'PAYOUT_REVERSAL',
}

registerEnumType(LedgerEntryKind, {
  name: 'LedgerEntryKind',
  description: "What moved a vendor's money.",
  valuesConfig: {
    SALE: { description: 'A paid order line: its full price, credited (positive).' },
    COMMISSION: { description: "The platform's commission on a sale, debited (negative)." },
    REFUND: { description: 'A refunded order line: its full price, debited (negative).' },
    REFUND_COMMISSION: { description: 'The commission of a refunded sale, given back (positive).' },
    PAYOUT: { description: 'Money requested as a payout, debited at once (negative).' },
    PAYOUT_REVERSAL: { description: "A rejected payout's money, returned (positive)." },
  },
});

/** The kinds that belong to an order line (the others belong to a payout). */
export const ORDER_KINDS = [
  LedgerEntryKind.SALE,
  LedgerEntryKind.COMMISSION,
  LedgerEntryKind.REFUND,
  LedgerEntryKind.REFUND_COMMISSION,
] as const;

export enum EarningsPeriod {
  LAST_7_DAYS = 'LAST_7_DAYS',
  LAST_30_DAYS = 'LAST_30_DAYS',
  LAST_365_DAYS = 'LAST_365_DAYS',
  ALL_TIME = 'ALL_TIME',
}

registerEnumType(EarningsPeriod, {
  name: 'EarningsPeriod',
  description: 'A window of time ending now, over which earnings and sales are counted (by when they happened).',
  valuesConfig: {
    LAST_7_DAYS: { description: 'The last 7 × 24 hours.' },
    LAST_30_DAYS: { description: 'The last 30 × 24 hours.' },
    LAST_365_DAYS: { description: 'The last 365 × 24 hours.' },
    ALL_TIME: { description: "Everything since the vendor's first sale." },
  },
});

/** Days each period reaches back; null for all time. */
export const PERIOD_DAYS: Record<EarningsPeriod, number | null> = {
  LAST_7_DAYS: 7,
  LAST_30_DAYS: 30,
  LAST_365_DAYS: 365,
  ALL_TIME: null,
};

@ObjectType({
  description:
    "One movement of a vendor's money, traceable to the order line or the payout behind it. Entries are never edited: a correction is a new entry.",
})
export class LedgerEntry {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  @Field(() => LedgerEntryKind, { description: 'What moved the money.' })
  kind: LedgerEntryKind;

  @Field(() => Money, { description: 'Signed amount: positive credits the vendor, negative debits.' })
  amount: Money;

  /** Exposed as `order` (SALE, COMMISSION, REFUND, REFUND_COMMISSION). */
  orderId: string | null;

  /** Exposed as `product`, with `orderId`. */
  productId: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Name of the product as it was sold; null for payout movements.',
  })
  productName: string | null;

  /** Exposed as `payout` (PAYOUT, PAYOUT_REVERSAL). */
  payoutId: string | null;

  @Field({
    description: 'When the movement happened: the order was paid or refunded, the payout requested or rejected.',
  })
  occurredAt: Date;

  @Field({
    description:
      'From when the amount counts as available for payouts; until then it is pending (the hold after a sale).',
  })
  availableAt: Date;

  @Field({ description: 'When the entry was recorded.' })
  createdAt: Date;

  @Field(() => Int, {
    nullable: true,
    description:
      "The platform's commission rate this sale line was credited at, in basis points (1500 = 15 %): the vendor's rate in force when the order was paid (a refund repeats its sale's); null for payout movements.",
  })
  commissionRateBps: number | null;
}

@ObjectType({ description: "A vendor's money in one currency." })
export class VendorBalance {
  @Field(() => CurrencyCode, { description: 'ISO 4217 currency code of the amounts below.' })
  currency: CurrencyCode;

  @Field(() => Money, {
    description:
      'Earnings past their hold, minus payouts requested (and not rejected): what a payout may ask for. Negative when refunds came after a payout.',
  })
  available: Money;

  @Field(() => Money, {
    description:
      'Earnings still in their hold (VENDOR_EARNINGS_HOLD_DAYS after the sale), net of commission and of refunds of those sales.',
  })
  pending: Money;
}

@ObjectType({ description: "A vendor's earnings over a period, in one currency. net = gross − commission − refunds." })
export class VendorEarnings {
  @Field(() => EarningsPeriod, { description: 'The period counted.' })
  period: EarningsPeriod;

  @Field(() => CurrencyCode, { description: 'ISO 4217 currency code of the amounts below.' })
  currency: CurrencyCode;

  @Field(() => Money, { description: 'Full price of every line sold.' })
  gross: Money;

  @Field(() => Money, { description: 'Commission the platform kept, net of commission given back with refunds.' })
  commission: Money;

  @Field(() => Money, { description: 'Full price of the lines refunded.' })
  refunds: Money;

  @Field(() => Money, { description: 'What the vendor earned: gross − commission − refunds.' })
  net: Money;
}

@ObjectType({ description: "One of a vendor's best-selling products over a period." })
export class TopProduct {
  /** Exposed as `product`. */
  productId: string;

  @Field({ description: "The product's name at its latest sale." })
  name: string;

  @Field(() => Int, { description: 'Lines sold (refunded ones included; see VendorStats.refundCount).' })
  saleCount: number;

  @Field(() => Money, { description: 'Full price of those lines (gross takings).' })
  gross: Money;
}

@ObjectType({ description: "A vendor's sales over a period, in one currency." })
export class VendorStats {
  @Field(() => EarningsPeriod, { description: 'The period counted.' })
  period: EarningsPeriod;

  @Field(() => CurrencyCode, { description: 'ISO 4217 currency code of the amounts below.' })
  currency: CurrencyCode;

  @Field(() => Int, { description: 'Order lines sold.' })
  saleCount: number;

  @Field(() => Int, { description: 'Order lines refunded.' })
  refundCount: number;

  @Field(() => Money, { description: 'Full price of the lines sold (gross takings).' })
  gross: Money;

  @Field(() => Money, { description: 'What the vendor earned: gross − commission − refunds.' })
  net: Money;

  @ListSize(TOP_PRODUCTS)
  @Field(() => [TopProduct], { description: 'Up to 5 products with the highest gross takings, best first.' })
  topProducts: TopProduct[];
}

/** A `ledger_entries` row as SQL returns it (bigint amounts as strings). */
export interface LedgerEntryRow {
  id: string;
  vendor_id: string;
  kind: LedgerEntryKind;
  amount: string;
  currency: string;
  order_id: string | null;
  product_id: string | null;
  product_name: string | null;
  payout_id: string | null;
  occurred_at: Date;
  available_at: Date;
  created_at: Date;
  commission_bps: number | null;
}

export const LEDGER_COLUMNS =
  'id, vendor_id, kind, amount, currency, order_id, product_id, product_name, payout_id, occurred_at, available_at, created_at, commission_bps';

export function toLedgerEntry(row: LedgerEntryRow): LedgerEntry {
  return Object.assign(new LedgerEntry(), {
    id: row.id,
    kind: row.kind,
    amount: Money.of(toAmount(row.amount), row.currency),
    orderId: row.order_id,
    productId: row.product_id,
    productName: row.product_name,
    payoutId: row.payout_id,
    occurredAt: row.occurred_at,
    availableAt: row.available_at,
    createdAt: row.created_at,
    commissionRateBps: row.commission_bps,
  });
}

export const LedgerEntryConnection = Connection(LedgerEntry, 'LedgerEntry');
