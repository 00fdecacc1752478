import type { ReferenceResolvers } from '@marketplace/kit';
import type { PayoutService } from './payout.service';

/**
 * `Payout` representations (for `node` and other subgraphs), loaded in one batch per request
 * tick with their vendors; the vendor's owner and admins get the payout, anyone else null.
 */
export const payoutReferences = (payouts: PayoutService): ReferenceResolvers => ({
  Payout: {
    __resolveReference: (reference: { id: string }, context) => payouts.find(context, reference.id),
  },
});
