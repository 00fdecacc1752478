import { DisputeOutcome, Logger, queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import type { LicenseService } from '../license/license.service';

/** Why a lost dispute's licenses were revoked, as license.revoked and the license row say. */
export const DISPUTE_LOST_REASON = 'The payment was disputed by the cardholder and the dispute was lost';

/**
 * Licenses through a payment dispute: SUSPENDED while it is open, ACTIVE again when it is
 * won, REVOKED when it is lost. `disputed_orders` orders the events: whatever arrives late
 * (payment.disputed after the close, order.paid during or after it) finds the state there.
 */
export class LicenseDisputeService {
  constructor(private readonly licenses: LicenseService) {}

  async suspend(manager: EntityManager, orderId: string, log: Logger): Promise<number> {
    const opened = await queryRows(
      manager,
      `INSERT INTO disputed_orders (order_id, status) VALUES ($1, 'OPEN') ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [orderId],
    );
    if (opened.length === 0) {
      log.info({ orderId }, 'dispute already known (or closed already); licenses unchanged');
      return 0;
    }
    const rows = await queryRows(
      manager,
      `UPDATE licenses SET status = 'SUSPENDED' WHERE order_id = $1 AND status = 'ACTIVE' RETURNING id`,
      [orderId],
    );
    log.info({ orderId, suspended: rows.length }, 'licenses suspended while the payment is disputed');
    return rows.length;
  }

  async close(
    manager: EntityManager,
    orderId: string,
    outcome: DisputeOutcome,
    correlationId: string,
    log: Logger,
  ): Promise<number> {
    const closed = await queryRows(
      manager,
      `INSERT INTO disputed_orders (order_id, status, closed_at) VALUES ($1, $2, now())
       ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, closed_at = EXCLUDED.closed_at
        WHERE disputed_orders.status = 'OPEN'
       RETURNING order_id`,
      [orderId, outcome],
    );
    if (closed.length === 0) {
      log.info({ orderId, outcome }, 'dispute closed already; licenses unchanged');
      return 0;
    }
    if (outcome === 'LOST')
      return this.licenses.revokeForOrder(manager, orderId, DISPUTE_LOST_REASON, correlationId, log);
    const rows = await queryRows(
      manager,
      `UPDATE licenses SET status = 'ACTIVE' WHERE order_id = $1 AND status = 'SUSPENDED' RETURNING id`,
      [orderId],
    );
    log.info({ orderId, restored: rows.length }, 'dispute won; licenses restored');
    return rows.length;
  }
}
