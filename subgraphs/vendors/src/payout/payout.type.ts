import { Connection, EntityDescriptions, Money } from '@marketplace/kit';
import { toAmount } from '../ledger/ledger.math';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum PayoutStatus {
  REQUESTED = 'REQUESTED',
  PAID = 'PAID',
  REJECTED = 'REJECTED',
}

registerEnumType(PayoutStatus, {
  name: 'PayoutStatus',
  description: 'Where a payout stands.',
  valuesConfig: {
    REQUESTED: {
      description: 'Asked for by the vendor; its amount has left the available balance. Waiting for an admin.',
    },
    PAID: { description: 'An admin sent the money.' },
    REJECTED: { description: 'An admin refused it; the amount went back to the available balance.' },
  },
});

@ObjectType({ description: EntityDescriptions.Payout })
@Directive('@key(fields: "id")')
export class Payout {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  /** Exposed as `vendor`. */
  vendorId: string;

  @Field(() => Money, { description: 'How much, in the currency of the balance it came from.' })
  amount: Money;

  @Field(() => PayoutStatus, { description: 'Where the payout stands.' })
  status: PayoutStatus;

  @Field(() => String, { nullable: true, description: 'Why an admin rejected it; null unless REJECTED.' })
  rejectionReason: string | null;

  @Field({ description: 'When the vendor asked for it.' })
  requestedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When an admin marked it paid; null unless PAID.' })
  paidAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When an admin rejected it; null unless REJECTED.' })
  rejectedAt: Date | null;
}

/** A `payouts` row as SQL returns it. */
export interface PayoutRow {
  id: string;
  vendor_id: string;
  amount: string;
  currency: string;
  status: PayoutStatus;
  reason: string | null;
  idempotency_key: string | null;
  requested_at: Date;
  paid_at: Date | null;
  rejected_at: Date | null;
}

export const PAYOUT_COLUMNS =
  'id, vendor_id, amount, currency, status, reason, idempotency_key, requested_at, paid_at, rejected_at';

export function toPayout(row: PayoutRow): Payout {
  return Object.assign(new Payout(), {
    id: row.id,
    vendorId: row.vendor_id,
    amount: Money.of(toAmount(row.amount), row.currency),
    status: row.status,
    rejectionReason: row.reason || null,
    requestedAt: row.requested_at,
    paidAt: row.paid_at,
    rejectedAt: row.rejected_at,
  });
}

export const PayoutConnection = Connection(Payout, 'Payout');
