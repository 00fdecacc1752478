import { Connection } from '@marketplace/kit';
import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    "A vendor's commission rate from a point in time on: what the platform keeps of each sale paid from then until the next rate.",
})
export class VendorCommissionTerms {
  /** The history row's id (page cursors); not a field. */
  id: string;

  @Field(() => Int, { description: 'The rate in basis points, 0 to 10,000 (1500 = 15 %).' })
  rateBps: number;

  @Field({ description: 'When the rate took effect: sales paid from then on are credited at it.' })
  since: Date;

  /** The admin who set it (null for a vendor's first rate): in the audit trail, not a field (only owners are Users here). */
  changedById: string | null;
}

export const VendorCommissionTermsConnection = Connection(VendorCommissionTerms, 'VendorCommissionTerms');

/** A `vendor_commission_rates` row under its fields' names. */
export const COMMISSION_COLUMNS = `id, vendor_id AS "vendorId", rate_bps AS "rateBps", effective_from AS "since", changed_by AS "changedById"`;

export function toTerms(row: VendorCommissionTerms & { vendorId?: string }): VendorCommissionTerms {
  const { id, rateBps, since, changedById } = row;
  return Object.assign(new VendorCommissionTerms(), { id, rateBps, since, changedById });
}
