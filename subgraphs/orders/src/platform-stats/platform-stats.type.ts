import {
  CurrencyCode,
  ListSize,
  Money,
  PLATFORM_STATS_BOUND_DESCRIPTIONS,
  PLATFORM_STATS_BUCKET_DESCRIPTION,
} from '@marketplace/kit';
import { Directive, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

/** The most buckets one answer holds (a year of days). */
export const MAX_BUCKETS = 366;
/** Top lists: the default and the most entries per currency. */
export const DEFAULT_TOP = 10;
export const MAX_TOP = 50;

export enum StatsGranularity {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}

registerEnumType(StatsGranularity, {
  name: 'StatsGranularity',
  description: 'The length of one step of a series; every step starts at a UTC midnight.',
  valuesConfig: {
    DAY: { description: 'One UTC day.' },
    WEEK: { description: 'One ISO week: Monday 00:00 UTC to the next Monday.' },
    MONTH: { description: 'One calendar month, from the 1st 00:00 UTC.' },
  },
});

@ObjectType({
  description: 'Sales of the platform in one currency over one bucket. Orders count when paid, refunds when made.',
})
export class PlatformSales {
  @Field(() => CurrencyCode, { description: 'ISO 4217 currency code of the amounts below.' })
  currency: CurrencyCode;

  @Field(() => Money, { description: 'Totals of the orders first paid in the bucket (gross takings).' })
  gross: Money;

  @Field(() => Money, { description: 'Totals of the orders refunded in the bucket (whenever they were paid).' })
  refunds: Money;

  @Field(() => Money, { description: 'gross − refunds.' })
  net: Money;

  @Field(() => Float, {
    description: 'refunds ÷ gross, from 0 (0 when nothing was sold); may pass 1 when older sales were refunded.',
  })
  refundRate: number;

  @Field(() => Int, { description: 'Orders first paid in the bucket.' })
  orderCount: number;

  @Field(() => Int, { description: 'Orders refunded in the bucket.' })
  refundCount: number;

  @Field(() => Int, { description: 'Distinct customers who paid at least one order in the bucket.' })
  payingCustomerCount: number;

  @Field(() => Money, { description: 'gross ÷ orderCount, rounded half up to a minor unit (0 when no order).' })
  averageOrderValue: Money;
}

@ObjectType('PlatformStatsBucket', { description: PLATFORM_STATS_BUCKET_DESCRIPTION })
// Only orders starts from a bucket (platformStats); vendors and users add fields to it.
@Directive('@key(fields: "from to", resolvable: false)')
export class PlatformStatsBucket {
  @Field({ description: PLATFORM_STATS_BOUND_DESCRIPTIONS.from })
  from: Date;

  @Field({ description: PLATFORM_STATS_BOUND_DESCRIPTIONS.to })
  to: Date;

  @ListSize(3)
  @Field(() => [PlatformSales], {
    description:
      'Sales per currency, one entry for every currency sold or refunded in the whole period (zeros where none in this bucket).',
  })
  sales: PlatformSales[];
}

/** What a top product and a top vendor both say of their sales in the period, in one currency. */
@ObjectType()
abstract class TopSellerSales {
  @Field(() => CurrencyCode, { description: 'ISO 4217 currency code of the amounts below.' })
  currency: CurrencyCode;

  @Field(() => Money, { description: 'Full price of its lines paid in the period.' })
  gross: Money;

  @Field(() => Money, { description: 'Full price of its lines refunded in the period.' })
  refunds: Money;

  @Field(() => Money, { description: 'gross − refunds: what the ranking is by.' })
  net: Money;
}

@ObjectType({ description: 'A product among the best sellers of a period, in one currency.' })
export class PlatformTopProduct extends TopSellerSales {
  /** Exposed as `product`. */
  productId: string;

  /** Exposed as `vendor`. */
  vendorId: string;

  @Field(() => Int, { description: 'Paid orders holding it.' })
  orderCount: number;
}

@ObjectType({ description: 'A vendor among the best sellers of a period, in one currency.' })
export class PlatformTopVendor extends TopSellerSales {
  /** Exposed as `vendor`. */
  vendorId: string;

  @Field(() => Int, { description: 'Order lines of its products paid in the period.' })
  lineCount: number;
}

@ObjectType({
  description:
    "The marketplace's business over a period (admin): totals and a series of buckets, each per currency, and the best sellers.",
})
export class PlatformStats {
  @Field({ description: 'Start of the period (inclusive): `period.from` rounded down to a bucket boundary (UTC).' })
  from: Date;

  @Field({ description: 'End of the period (exclusive): `period.to` rounded up to a bucket boundary (UTC).' })
  to: Date;

  @Field(() => StatsGranularity, { description: 'The length of each step of `series`.' })
  granularity: StatsGranularity;

  /** The buckets, computed once per answer (the fields below share them). */
  buckets: PlatformStatsBucket[];
}
