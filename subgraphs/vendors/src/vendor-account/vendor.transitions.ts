import { namedMoves } from '@marketplace/kit';
import { VendorStatus } from './vendor.entity';

/** The moderation moves an admin can make, and the one status each starts from. */
export const Transitions = {
  approve: { from: VendorStatus.PENDING, to: VendorStatus.ACTIVE },
  reject: { from: VendorStatus.PENDING, to: VendorStatus.REJECTED },
  suspend: { from: VendorStatus.ACTIVE, to: VendorStatus.SUSPENDED },
  reinstate: { from: VendorStatus.SUSPENDED, to: VendorStatus.ACTIVE },
} as const;

export type TransitionName = keyof typeof Transitions;

/** The status after the move, or CONFLICT (INVALID_STATUS) naming the current status in its message. */
export const nextStatus = namedMoves<VendorStatus, TransitionName>('vendor', Transitions);
