import { Connection, Money } from '@marketplace/kit';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/** Where a payment stands; `payment.transitions.ts` orders them. */
export enum PaymentStatus {
  REQUIRES_PAYMENT = 'REQUIRES_PAYMENT',
  PROCESSING = 'PROCESSING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  REFUNDED = 'REFUNDED',
}

registerEnumType(PaymentStatus, {
  name: 'PaymentStatus',
  description: 'Where a payment stands, as the payment provider reported it.',
  valuesConfig: {
    REQUIRES_PAYMENT: { description: 'The intent exists; the customer has not paid yet.' },
    PROCESSING: { description: 'The provider is processing the payment.' },
    SUCCEEDED: { description: 'The money was received.' },
    FAILED: { description: 'The last attempt failed; the customer may try again with the same intent.' },
    REFUNDED: {
      description:
        'Every line of the order was refunded (at once or in several refunds); final. A payment partly refunded stays SUCCEEDED: see `refunded` and `refunds`.',
    },
  },
});

/** Named so in TypeScript because `PaymentProvider` is the provider interface. */
export enum ProviderKind {
  STRIPE = 'STRIPE',
  LOCAL = 'LOCAL',
}

registerEnumType(ProviderKind, {
  name: 'PaymentProvider',
  description: 'Who handles the money of a payment.',
  valuesConfig: {
    STRIPE: { description: 'Stripe, through its official SDK.' },
    LOCAL: {
      description:
        'The local development provider: nothing is charged; events are simulated (development variant of the schema only).',
    },
  },
});

@ObjectType({ description: 'The payment of one order, through a payment provider.' })
@Directive('@key(fields: "id")')
export class Payment {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  /** Exposed as `Payment.order`. */
  orderId: string;

  /** Owner of the order, from payments' own record of it; decides who may see the payment. */
  userId: string;

  @Field(() => PaymentStatus, { description: 'Where the payment stands.' })
  status: PaymentStatus;

  amountMinor: number;
  currency: string;

  @Field(() => ProviderKind, { description: 'Who handles the money.' })
  provider: ProviderKind;

  @Field(() => String, {
    nullable: true,
    description: "The provider's id of the payment (the Stripe PaymentIntent id); null until the intent is created.",
  })
  providerRef: string | null;

  /** Returned by createPaymentIntent only, never as a field. */
  clientSecret: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the last attempt failed, as the provider said; null unless FAILED.',
  })
  failureReason: string | null;

  @Field({ description: 'Whether the cardholder disputed the charge.' })
  disputed: boolean;

  refundReason: string | null;
  refundRequestedAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the provider confirmed the refund that left nothing paid; null unless REFUNDED.',
  })
  refundedAt: Date | null;

  @Field({ description: 'When the payment was created (the first createPaymentIntent).' })
  createdAt: Date;

  @Field({ description: 'When the payment last changed.' })
  updatedAt: Date;

  @Field(() => Money, { description: "What is charged: the order's total when it was placed." })
  get amount(): Money {
    return Money.of(this.amountMinor, this.currency);
  }

  /** Sum of the refunds the provider confirmed. */
  refundedMinor: number;

  @Field(() => Money, {
    description:
      'What went back so far: the sum of the refunds the provider confirmed (zero when none; `amount` once REFUNDED).',
  })
  get refunded(): Money {
    return Money.of(this.refundedMinor, this.currency);
  }
}

/** Columns of a payment row under the names of `Payment`; `p` is payments, `o` orders. */
export const PAYMENT_COLUMNS = `p.id, p.order_id AS "orderId", o.user_id AS "userId", p.status, p.amount AS "amountMinor", p.currency,
  p.provider, p.provider_ref AS "providerRef", p.client_secret AS "clientSecret", p.failure_reason AS "failureReason",
  p.disputed, p.refund_reason AS "refundReason", p.refund_requested_at AS "refundRequestedAt", p.refunded_at AS "refundedAt",
  p.refunded_amount AS "refundedMinor",
  p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

export const toPayment = (row: Record<string, unknown>): Payment => Object.assign(new Payment(), row);

export const PaymentConnection = Connection(Payment, 'Payment');
