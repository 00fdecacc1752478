import type { RequestContext } from '@marketplace/kit';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { SimulatePaymentInput, SimulatedOutcome } from './payment.inputs';
import { SimulatePaymentPayload, orderOf } from './payment.payloads';
import { SimulationService } from './simulation.service';

/**
 * `simulatePayment`: in the development variant of the schema only (PAYMENT_SIMULATION_ENABLED=true;
 * see `paymentsSubgraph.developmentSurface`). Elsewhere the field does not exist at all.
 */
@Resolver()
export class SimulationResolver {
  constructor(private readonly simulation: SimulationService) {}

  @Mutation(() => SimulatePaymentPayload, {
    nullable: true,
    description:
      "Development only (absent from the production schema; served when PAYMENT_SIMULATION_ENABLED=true): delivers the signed Stripe event of a payment attempt to the webhook, as Stripe would, for the order's owner or an admin. Returns the payment as stored afterwards; the order's status follows asynchronously (orderUpdated). NOT_FOUND for an order that is missing or someone else's, or without a payment intent yet. Errors: UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND, CONFLICT (ALREADY_PAID).",
  })
  async simulatePayment(
    @Arg('input', () => SimulatePaymentInput, { description: 'The order and the outcome to simulate.' })
    input: SimulatePaymentInput,
    @Ctx() context: RequestContext,
  ): Promise<SimulatePaymentPayload> {
    const outcome = input.outcome === SimulatedOutcome.SUCCEEDED ? 'succeeded' : 'failed';
    const payment = await this.simulation.simulate(context, input.orderId, outcome);
    return { payment, order: orderOf(payment) };
  }
}
