import { Connection, DisputeStatus, Money } from '@marketplace/kit';
import { Field, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    "A cardholder's dispute of a payment for an order with the vendor's products, as the vendor sees it: their share and the deadline for evidence.",
})
export class VendorDispute {
  /** Internal row id, the keyset cursor's tiebreak; not exposed. */
  id: string;
  vendorId: string;
  /** Exposed as `order`. */
  orderId: string;
  /** Exposed as `products`. */
  productIds: string[];

  @Field(() => DisputeStatus, { description: "Where the dispute stands (Stripe's status)." })
  status: DisputeStatus;

  @Field({ description: "The cardholder's reason, as Stripe's reason code (`fraudulent`, `product_not_received`…)." })
  reason: string;

  amountMinor: number;
  currency: string;

  @Field(() => Date, {
    nullable: true,
    description: 'When evidence must reach the payment provider at the latest; null when none is asked for.',
  })
  evidenceDueBy: Date | null;

  @Field({ description: 'When the cardholder opened the dispute.' })
  openedAt: Date;

  @Field(() => Date, {
    nullable: true,
    description: "When it closed; null while open. A LOST dispute debits the vendor's lines like a refund.",
  })
  closedAt: Date | null;

  createdAt: Date;

  @Field(() => Money, { description: "The vendor's share of the disputed order: the gross of their lines in it." })
  get amount(): Money {
    return Money.of(this.amountMinor, this.currency);
  }
}

export const VendorDisputeConnection = Connection(VendorDispute, 'VendorDispute');

export const VENDOR_DISPUTE_COLUMNS = `id, vendor_id AS "vendorId", order_id AS "orderId", product_ids AS "productIds", status, reason,
  amount::float8 AS "amountMinor", currency, evidence_due_by AS "evidenceDueBy", opened_at AS "openedAt", closed_at AS "closedAt",
  created_at AS "createdAt"`;

export const toVendorDispute = (row: Record<string, unknown>): VendorDispute => Object.assign(new VendorDispute(), row);
