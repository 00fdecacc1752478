import { queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { Refund, RefundLine, RefundStatus, toRefund } from './refund.type';

type Db = DataSource | EntityManager;

/** One line of an order as payments charged it: the line's total, tax included. */
export interface OrderLine {
  productId: string;
  amountMinor: number;
}

/** A line of the order and the refund holding it, if any (REQUESTED reserves it, SUCCEEDED refunded it). */
export interface LineState extends OrderLine {
  refundId: string | null;
  refundStatus: RefundStatus | null;
}

const REFUND_COLUMNS = `r.id, r.payment_id AS "paymentId", r.amount AS "amountMinor", r.currency, r.reason, r.status,
  r.provider_ref AS "providerRef", r.requested_at AS "createdAt", r.succeeded_at AS "succeededAt",
  COALESCE((SELECT json_agg(json_build_object('productId', l.product_id, 'amountMinor', l.amount) ORDER BY l.product_id)
              FROM refund_lines l WHERE l.refund_id = r.id), '[]'::json) AS lines`;

/** SQL of refunds and of the order lines they give back. */
export const refundStore = {
  /** The order's lines with the refund holding each; empty when payments knows no lines of it. */
  async lineStates(manager: Db, orderId: string, paymentId: string): Promise<LineState[]> {
    return queryRows<LineState>(
      manager,
      `SELECT ol.product_id AS "productId", ol.amount AS "amountMinor", r.id AS "refundId", r.status AS "refundStatus"
         FROM order_lines ol
         LEFT JOIN refund_lines rl ON rl.payment_id = $2 AND rl.product_id = ol.product_id
         LEFT JOIN refunds r ON r.id = rl.refund_id
        WHERE ol.order_id = $1 ORDER BY ol.product_id`,
      [orderId, paymentId],
    );
  },

  /** Refunds of these payments, oldest first. */
  async ofPayments(manager: Db, paymentIds: string[], status?: RefundStatus): Promise<Refund[]> {
    if (paymentIds.length === 0) return [];
    const rows = await queryRows(
      manager,
      `SELECT ${REFUND_COLUMNS} FROM refunds r WHERE r.payment_id = ANY($1::uuid[])${status ? ' AND r.status = $2' : ''}
        ORDER BY r.requested_at, r.id`,
      status ? [paymentIds, status] : [paymentIds],
    );
    return rows.map(toRefund);
  },

  async find(manager: Db, refundId: string): Promise<Refund | null> {
    const [row] = await queryRows(manager, `SELECT ${REFUND_COLUMNS} FROM refunds r WHERE r.id = $1`, [refundId]);
    return row ? toRefund(row) : null;
  },

  /** A refund of these lines (none: the whole payment of an order without known lines), REQUESTED unless told. */
  async insert(
    manager: EntityManager,
    refund: { paymentId: string; currency: string; reason: string; lines: OrderLine[]; amountMinor: number },
    status = RefundStatus.REQUESTED,
  ): Promise<Refund> {
    const [{ id }] = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO refunds (payment_id, amount, currency, reason, status, succeeded_at)
       VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 = 'SUCCEEDED' THEN now() END) RETURNING id`,
      [refund.paymentId, refund.amountMinor, refund.currency, refund.reason, status],
    );
    if (refund.lines.length > 0)
      await manager.query(
        `INSERT INTO refund_lines (refund_id, payment_id, product_id, amount)
         SELECT $1, $2, line.product_id, line.amount FROM unnest($3::uuid[], $4::int[]) AS line (product_id, amount)`,
        [id, refund.paymentId, refund.lines.map((l) => l.productId), refund.lines.map((l) => l.amountMinor)],
      );
    return (await this.find(manager, id))!;
  },

  async succeeded(manager: EntityManager, refundId: string): Promise<void> {
    await manager.query(
      `UPDATE refunds SET status = 'SUCCEEDED', succeeded_at = now() WHERE id = $1 AND status = 'REQUESTED'`,
      [refundId],
    );
  },

  async providerAnswered(manager: Db, refundId: string, providerRef: string): Promise<void> {
    await manager.query(`UPDATE refunds SET provider_ref = $2 WHERE id = $1`, [refundId, providerRef]);
  },

  /** A refund the provider refused: its lines are free again (only while nothing confirmed it). */
  async withdraw(manager: Db, refundId: string): Promise<void> {
    await manager.query(`DELETE FROM refunds WHERE id = $1 AND status = 'REQUESTED'`, [refundId]);
  },
};

export type { RefundLine };
