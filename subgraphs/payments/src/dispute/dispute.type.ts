import { DisputeStatus, Money } from '@marketplace/kit';
import { Field, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    "A cardholder's dispute of a payment at their card issuer (a chargeback or an inquiry), as Stripe's charge.dispute.* webhooks report it.",
})
export class PaymentDispute {
  paymentId: string;
  /** Stripe's id (`dp_…`); kept for operators' logs, not exposed. */
  stripeDisputeId: string;

  @Field(() => DisputeStatus, { description: "Where the dispute stands (Stripe's status)." })
  status: DisputeStatus;

  @Field({ description: "The cardholder's reason, as Stripe's reason code (`fraudulent`, `product_not_received`…)." })
  reason: string;

  amountMinor: number;
  currency: string;

  @Field(() => Date, {
    nullable: true,
    description: 'When evidence must reach Stripe at the latest; null when Stripe asks for none.',
  })
  evidenceDueBy: Date | null;

  @Field({ description: 'When the cardholder opened the dispute.' })
  openedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the dispute closed (won or lost); null while it is open.' })
  closedAt: Date | null;

  lastEventAt: Date;
  revision: number;

  @Field(() => Money, { description: 'The disputed amount (usually the whole charge).' })
  get amount(): Money {
    return Money.of(this.amountMinor, this.currency);
  }
}

export const DISPUTE_COLUMNS = `payment_id AS "paymentId", stripe_dispute_id AS "stripeDisputeId", status, reason,
  amount AS "amountMinor", currency, evidence_due_by AS "evidenceDueBy", opened_at AS "openedAt", closed_at AS "closedAt",
  last_event_at AS "lastEventAt", revision`;

export const toDispute = (row: Record<string, unknown>): PaymentDispute => Object.assign(new PaymentDispute(), row);
