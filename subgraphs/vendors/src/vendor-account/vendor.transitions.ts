import { conflict } from '@marketplace/kit';
import { VendorStatus } from './vendor.entity';

/** The moderation moves an admin can make, and the one status each starts from. */
export const Transitions = {
  approve: { from: VendorStatus.PENDING, to: VendorStatus.ACTIVE },
  reject: { from: VendorStatus.PENDING, to: VendorStatus.REJECTED },
  suspend: { from: VendorStatus.ACTIVE, to: VendorStatus.SUSPENDED },
  reinstate: { from: VendorStatus.SUSPENDED, to: VendorStatus.ACTIVE },
} as const;

export type TransitionName = keyof typeof Transitions;

/** Returns the status after `name`, or throws CONFLICT naming the current status (in `extensions.status`). */
export function nextStatus(current: VendorStatus, name: TransitionName): VendorStatus {
  const transition = Transitions[name];
  if (current !== transition.from) {
    throw conflict(`Cannot ${name} a vendor that is ${current}; only a ${transition.from} vendor can be`, {
      status: current,
    });
  }
  return transition.to;
}
