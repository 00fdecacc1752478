import { Field, ID, InputType, registerEnumType } from 'type-graphql';

/** What a simulated attempt does; development only (the schema's development variant). */
export enum SimulatedOutcome {
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

registerEnumType(SimulatedOutcome, {
  name: 'SimulatedOutcome',
  description: 'What a simulated payment attempt does (development variant of the schema only).',
  valuesConfig: {
    SUCCEEDED: { description: 'The customer pays: Stripe would send payment_intent.succeeded.' },
    FAILED: { description: 'The card is declined: Stripe would send payment_intent.payment_failed.' },
  },
});

const ORDER_ID_DESCRIPTION = 'The order (its global id).';

@InputType({ description: 'The order to start paying.' })
export class CreatePaymentIntentInput {
  @Field(() => ID, { description: ORDER_ID_DESCRIPTION })
  orderId: string;
}

@InputType({ description: 'The order whose payment goes back (some of its lines, or all of them), and why.' })
export class RefundOrderInput {
  @Field(() => ID, { description: ORDER_ID_DESCRIPTION })
  orderId: string;

  @Field(() => [ID], {
    nullable: true,
    description:
      'The products whose order lines go back, each line in full (its total, tax included) and once; at most 100, each named once. Absent or empty: every line not refunded yet.',
  })
  productIds?: string[] | null;

  @Field({
    description:
      'Why the money goes back, 1 to 500 characters; kept with the refund and sent with payment.partially_refunded or payment.refunded.',
  })
  reason: string;
}

@InputType({ description: 'The order whose payment attempt is simulated, and its outcome (development only).' })
export class SimulatePaymentInput {
  @Field(() => ID, { description: ORDER_ID_DESCRIPTION })
  orderId: string;

  @Field(() => SimulatedOutcome, { description: 'Whether the simulated attempt succeeds or fails.' })
  outcome: SimulatedOutcome;
}
