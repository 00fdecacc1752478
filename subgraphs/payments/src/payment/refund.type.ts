import { AssumedListSize, ListSize, Money } from '@marketplace/kit';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Product } from '../entity-stubs';

/** Where one refund stands. */
export enum RefundStatus {
  REQUESTED = 'REQUESTED',
  SUCCEEDED = 'SUCCEEDED',
}

registerEnumType(RefundStatus, {
  name: 'RefundStatus',
  description: 'Where a refund stands, as the payment provider reported it.',
  valuesConfig: {
    REQUESTED: { description: 'Asked of the provider; the provider has not confirmed it yet. Its lines are reserved.' },
    SUCCEEDED: { description: 'The provider confirmed it: the money went back; final.' },
  },
});

/** One line a refund gives back, in full. */
export interface RefundLine {
  productId: string;
  amountMinor: number;
}

@ObjectType({
  description:
    "Money of a payment that goes back: some of the order's lines, each in full (its total, tax included), asked by refundOrder or made at the provider.",
})
export class Refund {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`); opaque to clients.' })
  id: string;

  paymentId: string;

  amountMinor: number;
  currency: string;

  @Field({ description: 'Why the money goes back, as the admin wrote it (or as the provider reported it).' })
  reason: string;

  @Field(() => RefundStatus, { description: 'Where the refund stands.' })
  status: RefundStatus;

  /** The provider's refund id, once the provider answered (Stripe's `re_…`); for operators, not exposed. */
  providerRef: string | null;

  @Field({ description: 'When the refund was asked for (or, made at the provider, when payments heard of it).' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the provider confirmed the refund; null while REQUESTED.' })
  succeededAt: Date | null;

  /** The lines refunded; empty for a whole refund of an order whose lines payments does not know. */
  lines: RefundLine[];

  @Field(() => Money, { description: "What goes back: the sum of the refunded lines' totals." })
  get amount(): Money {
    return Money.of(this.amountMinor, this.currency);
  }

  @ListSize(AssumedListSize.orderLines)
  @Field(() => [Product], {
    description:
      'The products whose order lines this refund gives back, each in full; empty for a whole refund of an order placed before refunds were per line.',
  })
  get products(): Product[] {
    return this.lines.map((line) => Product.of(line.productId));
  }
}

export const toRefund = (row: Record<string, unknown>): Refund => Object.assign(new Refund(), row);
