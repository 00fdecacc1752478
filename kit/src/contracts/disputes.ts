import { registerEnumType } from 'type-graphql';

/**
 * The schema's `DisputeStatus` enum: Stripe's dispute statuses, upper-cased. One table for
 * payments (`Payment.dispute`) and vendors (`Vendor.disputes`), so both subgraphs print the
 * same enum and composition merges it.
 */
export enum DisputeStatus {
  WARNING_NEEDS_RESPONSE = 'WARNING_NEEDS_RESPONSE',
  WARNING_UNDER_REVIEW = 'WARNING_UNDER_REVIEW',
  WARNING_CLOSED = 'WARNING_CLOSED',
  NEEDS_RESPONSE = 'NEEDS_RESPONSE',
  UNDER_REVIEW = 'UNDER_REVIEW',
  APPEAL_NEEDS_RESPONSE = 'APPEAL_NEEDS_RESPONSE',
  APPEAL_UNDER_REVIEW = 'APPEAL_UNDER_REVIEW',
  PREVENTED = 'PREVENTED',
  WON = 'WON',
  LOST = 'LOST',
}

registerEnumType(DisputeStatus, {
  name: 'DisputeStatus',
  description: "Where a cardholder's dispute of a charge stands, as Stripe reports it (Stripe's dispute statuses).",
  valuesConfig: {
    WARNING_NEEDS_RESPONSE: { description: 'An inquiry (not yet a chargeback) awaits the merchant’s response.' },
    WARNING_UNDER_REVIEW: { description: 'The merchant answered an inquiry; the issuer is reviewing it.' },
    WARNING_CLOSED: { description: 'The inquiry closed without becoming a chargeback; final, the money stays.' },
    NEEDS_RESPONSE: { description: 'A chargeback awaits evidence from the merchant before `evidenceDueBy`.' },
    UNDER_REVIEW: { description: 'Evidence was submitted; the issuer is deciding.' },
    APPEAL_NEEDS_RESPONSE: { description: 'An appeal awaits evidence (Stripe reports it; treated as still open).' },
    APPEAL_UNDER_REVIEW: { description: 'An appeal is under review (Stripe reports it; treated as still open).' },
    PREVENTED: { description: 'The dispute was prevented before it became one; final, the money stays.' },
    WON: { description: 'The merchant won: final, the money stays and the licenses are usable again.' },
    LOST: {
      description:
        "The cardholder won: final, the money went back, the vendor's share is debited and the licenses revoked.",
    },
  },
});

/** Stripe's statuses after which a dispute takes no more changes. */
export const CLOSED_DISPUTE_STATUSES: readonly DisputeStatus[] = [
  DisputeStatus.WON,
  DisputeStatus.LOST,
  DisputeStatus.WARNING_CLOSED,
  DisputeStatus.PREVENTED,
];

export const isClosedDispute = (status: DisputeStatus): boolean => CLOSED_DISPUTE_STATUSES.includes(status);

/** How a closed dispute ended for the marketplace: LOST takes the money back, every other close keeps it. */
export type DisputeOutcome = 'WON' | 'LOST';
export const disputeOutcomeOf = (status: DisputeStatus): DisputeOutcome =>
  status === DisputeStatus.LOST ? 'LOST' : 'WON';
