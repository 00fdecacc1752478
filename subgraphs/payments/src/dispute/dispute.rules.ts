import { DisputeStatus, isClosedDispute } from '@marketplace/kit';

/** A disputed charge cannot be refunded while the dispute is open, nor after it was lost: the money is already gone. */
export const refusesRefund = (status: DisputeStatus): boolean =>
  !isClosedDispute(status) || status === DisputeStatus.LOST;
