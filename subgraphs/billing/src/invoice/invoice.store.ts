import { queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { CreditNoteSnapshot } from '../credit-note/credit-note.rules';
import type { InvoiceSnapshot } from './invoice.rules';

type Queryable = DataSource | EntityManager;

export interface InvoiceRow {
  id: string;
  number: string;
  orderId: string;
  buyerUserId: string;
  vendorIds: string[];
  currency: string;
  total: number;
  snapshot: InvoiceSnapshot;
  issuedAt: Date;
}

export interface CreditNoteRow {
  id: string;
  number: string;
  invoiceId: string;
  orderId: string;
  invoiceNumber: string;
  amount: number;
  currency: string;
  snapshot: CreditNoteSnapshot;
  issuedAt: Date;
}

const INVOICE_COLUMNS = `i.id, i.number, i.order_id AS "orderId", i.buyer_user_id AS "buyerUserId",
  i.vendor_ids::text[] AS "vendorIds", i.currency, i.total::text AS total, i.snapshot, i.issued_at AS "issuedAt"`;

const CREDIT_NOTE_COLUMNS = `c.id, c.number, c.invoice_id AS "invoiceId", i.order_id AS "orderId",
  i.number AS "invoiceNumber", c.amount::text AS amount, i.currency, c.snapshot, c.issued_at AS "issuedAt"`;

// bigint columns come back as text (exact); amounts stay far below 2^53, so Number() is exact too.
const invoices = (rows: InvoiceRow[]) => rows.map((row) => ({ ...row, total: Number(row.total) }));
const creditNotes = (rows: CreditNoteRow[]) => rows.map((row) => ({ ...row, amount: Number(row.amount) }));

/** The SQL of invoices and credit notes; callers pass the connection or their transaction. */
export const invoiceStore = {
  async byOrderIds(db: Queryable, orderIds: string[]): Promise<InvoiceRow[]> {
    if (orderIds.length === 0) return [];
    return invoices(
      await queryRows<InvoiceRow>(db, `SELECT ${INVOICE_COLUMNS} FROM invoices i WHERE i.order_id = ANY($1)`, [
        orderIds,
      ]),
    );
  },

  async byId(db: Queryable, id: string): Promise<InvoiceRow | undefined> {
    return invoices(
      await queryRows<InvoiceRow>(db, `SELECT ${INVOICE_COLUMNS} FROM invoices i WHERE i.id = $1`, [id]),
    )[0];
  },

  /** The order's invoice, its row locked until the transaction ends (credit notes of one invoice queue up). */
  async ofOrderForUpdate(manager: EntityManager, orderId: string): Promise<InvoiceRow | undefined> {
    return invoices(
      await queryRows<InvoiceRow>(
        manager,
        `SELECT ${INVOICE_COLUMNS} FROM invoices i WHERE i.order_id = $1 FOR UPDATE`,
        [orderId],
      ),
    )[0];
  },

  async insertInvoice(manager: EntityManager, row: Omit<InvoiceRow, 'id'> & { orderNumber: string }): Promise<string> {
    const [{ id }] = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO invoices (number, order_id, order_number, buyer_user_id, vendor_ids, currency, total, snapshot, issued_at)
       VALUES ($1, $2, $3, $4, $5::uuid[], $6, $7, $8, $9) RETURNING id`,
      [
        row.number,
        row.orderId,
        row.orderNumber,
        row.buyerUserId,
        row.vendorIds,
        row.currency,
        row.total,
        JSON.stringify(row.snapshot),
        row.issuedAt,
      ],
    );
    return id;
  },

  /** Credit notes of the orders' invoices, oldest first. */
  async creditNotesByOrderIds(db: Queryable, orderIds: string[]): Promise<CreditNoteRow[]> {
    if (orderIds.length === 0) return [];
    return creditNotes(
      await queryRows<CreditNoteRow>(
        db,
        `SELECT ${CREDIT_NOTE_COLUMNS} FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id
          WHERE i.order_id = ANY($1) ORDER BY c.issued_at, c.number`,
        [orderIds],
      ),
    );
  },

  async creditNoteById(db: Queryable, id: string): Promise<CreditNoteRow | undefined> {
    return creditNotes(
      await queryRows<CreditNoteRow>(
        db,
        `SELECT ${CREDIT_NOTE_COLUMNS} FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id WHERE c.id = $1`,
        [id],
      ),
    )[0];
  },

  async creditNoteByRefund(manager: EntityManager, refundKey: string): Promise<{ id: string } | undefined> {
    const [row] = await queryRows<{ id: string }>(manager, `SELECT id FROM credit_notes WHERE refund_key = $1`, [
      refundKey,
    ]);
    return row;
  },

  async creditedProductIds(manager: EntityManager, invoiceId: string): Promise<Set<string>> {
    const rows = await queryRows<{ productId: string }>(
      manager,
      `SELECT product_id AS "productId" FROM credited_lines WHERE invoice_id = $1`,
      [invoiceId],
    );
    return new Set(rows.map((row) => row.productId));
  },

  async insertCreditNote(
    manager: EntityManager,
    note: { number: string; invoiceId: string; refundKey: string; snapshot: CreditNoteSnapshot; issuedAt: Date },
  ): Promise<string> {
    const [{ id }] = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO credit_notes (number, invoice_id, refund_key, amount, snapshot, issued_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [
        note.number,
        note.invoiceId,
        note.refundKey,
        note.snapshot.totals.total,
        JSON.stringify(note.snapshot),
        note.issuedAt,
      ],
    );
    await manager.query(
      `INSERT INTO credited_lines (invoice_id, product_id, credit_note_id)
       SELECT $1, product_id, $3 FROM unnest($2::uuid[]) AS product_id`,
      [note.invoiceId, note.snapshot.lines.map((line) => line.productId), id],
    );
    return id;
  },
};
