import { conflict } from '@marketplace/kit';
import { PayoutStatus } from './payout.type';

/** The admin moves on a payout: each starts from REQUESTED, so a payout is decided once. */
export const PayoutTransitions = {
  pay: { from: PayoutStatus.REQUESTED, to: PayoutStatus.PAID },
  reject: { from: PayoutStatus.REQUESTED, to: PayoutStatus.REJECTED },
} as const;

export type PayoutTransitionName = keyof typeof PayoutTransitions;

/** The status after `name`, or CONFLICT naming the current status (in `extensions.status`). */
export function nextPayoutStatus(current: PayoutStatus, name: PayoutTransitionName): PayoutStatus {
  const transition = PayoutTransitions[name];
  if (current !== transition.from) {
    throw conflict(`Cannot ${name} a payout that is ${current}; only a ${transition.from} payout can be`, {
      status: current,
    });
  }
  return transition.to;
}
