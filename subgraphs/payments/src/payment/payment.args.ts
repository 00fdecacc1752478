import { ArgsType, Field, ID, registerEnumType } from 'type-graphql';

export enum SimulatedOutcomeArg {
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

registerEnumType(SimulatedOutcomeArg, {
  name: 'SimulatedOutcome',
  description: 'What a simulated payment attempt does.',
  valuesConfig: {
    SUCCEEDED: { description: 'The customer pays: Stripe would send payment_intent.succeeded.' },
    FAILED: { description: 'The card is declined: Stripe would send payment_intent.payment_failed.' },
  },
});

@ArgsType()
export class OrderIdArgs {
  @Field(() => ID, { description: 'Id (UUID) of the order.' })
  orderId: string;
}

@ArgsType()
export class RefundOrderArgs extends OrderIdArgs {
  @Field({
    description: 'Why the money goes back, 1 to 500 characters; kept with the payment and sent with payment.refunded.',
  })
  reason: string;
}

@ArgsType()
export class SimulatePaymentArgs extends OrderIdArgs {
  @Field(() => SimulatedOutcomeArg, { description: 'Whether the simulated attempt succeeds or fails.' })
  outcome: SimulatedOutcomeArg;
}
