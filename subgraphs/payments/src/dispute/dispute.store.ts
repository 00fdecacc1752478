import { queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { DISPUTE_COLUMNS, PaymentDispute, toDispute } from './dispute.type';
import type { DisputeFacts } from './stripe-dispute';

/** SQL of payment_disputes: one row per disputed payment. */
export const disputeStore = {
  async ofPayments(db: DataSource | EntityManager, paymentIds: string[]): Promise<PaymentDispute[]> {
    if (paymentIds.length === 0) return [];
    const rows = await queryRows(
      db,
      `SELECT ${DISPUTE_COLUMNS} FROM payment_disputes WHERE payment_id = ANY($1::uuid[])`,
      [paymentIds],
    );
    return rows.map(toDispute);
  },

  /** The payment's dispute, locked with it (the caller holds the payment row already). */
  async locked(manager: EntityManager, paymentId: string): Promise<PaymentDispute | null> {
    const [row] = await queryRows(
      manager,
      `SELECT ${DISPUTE_COLUMNS} FROM payment_disputes WHERE payment_id = $1 FOR UPDATE`,
      [paymentId],
    );
    return row ? toDispute(row) : null;
  },

  async insert(manager: EntityManager, paymentId: string, facts: DisputeFacts, closedAt: Date | null) {
    const [row] = await queryRows(
      manager,
      `INSERT INTO payment_disputes (payment_id, stripe_dispute_id, status, reason, amount, currency, evidence_due_by, opened_at, closed_at, last_event_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${DISPUTE_COLUMNS}`,
      [
        paymentId,
        facts.disputeId,
        facts.status,
        facts.reason,
        facts.amount,
        facts.currency,
        facts.evidenceDueBy,
        facts.openedAt,
        closedAt,
        facts.eventAt,
      ],
    );
    await manager.query(`UPDATE payments SET disputed = true, updated_at = now() WHERE id = $1`, [paymentId]);
    return toDispute(row);
  },

  async update(manager: EntityManager, paymentId: string, facts: DisputeFacts, closedAt: Date | null) {
    const [row] = await queryRows(
      manager,
      `UPDATE payment_disputes SET status = $2, reason = $3, amount = $4, currency = $5, evidence_due_by = $6, closed_at = $7,
              last_event_at = GREATEST(last_event_at, $8), revision = revision + 1, updated_at = now()
        WHERE payment_id = $1 RETURNING ${DISPUTE_COLUMNS}`,
      [
        paymentId,
        facts.status,
        facts.reason,
        facts.amount,
        facts.currency,
        facts.evidenceDueBy,
        closedAt,
        facts.eventAt,
      ],
    );
    return toDispute(row);
  },

  async touch(manager: EntityManager, paymentId: string, eventAt: Date): Promise<void> {
    await manager.query(
      `UPDATE payment_disputes SET last_event_at = GREATEST(last_event_at, $2) WHERE payment_id = $1`,
      [paymentId, eventAt],
    );
  },
};
