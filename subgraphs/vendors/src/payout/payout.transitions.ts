import { namedMoves } from '@marketplace/kit';
import { PayoutStatus } from './payout.type';

/** The admin moves on a payout: each starts from REQUESTED, so a payout is decided once. */
export const PayoutTransitions = {
  pay: { from: PayoutStatus.REQUESTED, to: PayoutStatus.PAID },
  reject: { from: PayoutStatus.REQUESTED, to: PayoutStatus.REJECTED },
} as const;

export type PayoutTransitionName = keyof typeof PayoutTransitions;

/** The status after the move, or CONFLICT (INVALID_STATUS) naming the current status in its message. */
export const nextPayoutStatus = namedMoves<PayoutStatus, PayoutTransitionName>('payout', PayoutTransitions);
