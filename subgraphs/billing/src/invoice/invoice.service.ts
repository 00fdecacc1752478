import {
  Money,
  RequestContext,
  Role,
  Viewer,
  defineLoader,
  forbidden,
  isUuid,
  lockNameForTransaction,
  unauthenticated,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { SellerDetails } from '../config';
import { nextDocumentNumber } from '../numbering/document-number.store';
import type { DocumentLinks } from '../pdf/document.links';
import type { VendorReplica } from '../vendor-replica/vendor-replica.store';
import { PaidOrder, invoiceSnapshotOf } from './invoice.rules';
import { CreditNoteRow, InvoiceRow, invoiceStore } from './invoice.store';
import { CreditNote, Invoice } from './invoice.type';

/**
 * Invoices: issued once per paid order, numbered in the transaction that stores them, and
 * shown (with their credit notes) to the order's buyer, the vendors with a line on them
 * and admins.
 */
export class InvoiceService {
  constructor(
    private readonly db: DataSource,
    private readonly seller: SellerDetails,
    private readonly vendors: VendorReplica,
    private readonly links: DocumentLinks,
  ) {}

  /**
   * The invoice of a paid order, in the event's transaction; a second order.paid of the same
   * order (another event id) finds it and does nothing, so no number is spent twice.
   */
  async issue(manager: EntityManager, order: PaidOrder): Promise<{ number: string; created: boolean }> {
    await lockNameForTransaction(manager, `invoice-order:${order.orderId}`);
    const [existing] = await invoiceStore.byOrderIds(manager, [order.orderId]);
    if (existing) return { number: existing.number, created: false };
    const snapshot = invoiceSnapshotOf(order, this.seller);
    const { number, issuedAt } = await nextDocumentNumber(manager, 'INV');
    await invoiceStore.insertInvoice(manager, {
      number,
      orderId: order.orderId,
      orderNumber: order.number,
      buyerUserId: order.userId,
      vendorIds: [...new Set(order.items.map((item) => item.vendorId))],
      currency: snapshot.currency,
      total: snapshot.totals.total,
      snapshot,
      issuedAt,
    });
    return { number, created: true };
  }

  /** `Order.invoice`: null when there is none yet or the viewer may not see it (rule 2: one object). */
  readonly invoiceByOrderId = defineLoader<string, Invoice | null>(async (orderIds, context) => {
    const rows = await invoiceStore.byOrderIds(this.db, [...new Set(orderIds.filter(isUuid))]);
    const visible = await this.visibleTo(context, rows);
    return orderIds.map((orderId) => {
      const row = rows.find((candidate) => candidate.orderId === orderId);
      return row && visible.has(row.id) ? this.toInvoice(row) : null;
    });
  });

  /**
   * `Order.creditNotes`: oldest first, empty before any refund; a list the viewer may not read
   * is an error (UNAUTHENTICATED, FORBIDDEN). An order without an invoice (unpaid, or unknown
   * here) has none to hide: an empty list for any signed-in viewer.
   */
  readonly creditNotesByOrderId = defineLoader<string, CreditNote[]>(async (orderIds, context) => {
    if (!context.viewer) return orderIds.map(() => unauthenticated());
    const valid = [...new Set(orderIds.filter(isUuid))];
    const [rows, notes] = await Promise.all([
      invoiceStore.byOrderIds(this.db, valid),
      invoiceStore.creditNotesByOrderIds(this.db, valid),
    ]);
    const visible = await this.visibleTo(context, rows);
    return orderIds.map((orderId) => {
      const invoice = rows.find((row) => row.orderId === orderId);
      if (!invoice) return [];
      if (!visible.has(invoice.id))
        return forbidden("Only the order's buyer, the vendors on its invoice or an admin may list its credit notes");
      return notes.filter((note) => note.orderId === orderId).map((note) => this.toCreditNote(note));
    });
  });

  /** Ids of the invoices the viewer may see: the buyer's own, those with one of the viewer's vendors' lines, all for admins. */
  private async visibleTo(context: RequestContext, rows: InvoiceRow[]): Promise<Set<string>> {
    const viewer: Viewer | null = context.viewer;
    if (!viewer || rows.length === 0) return new Set();
    const ownVendors =
      viewer.role === Role.VENDOR ? new Set(await this.vendors.vendorIdsOf(context).load(viewer.id)) : new Set();
    return new Set(
      rows
        .filter(
          (row) =>
            viewer.role === Role.ADMIN ||
            row.buyerUserId === viewer.id ||
            row.vendorIds.some((vendorId) => ownVendors.has(vendorId)),
        )
        .map((row) => row.id),
    );
  }

  private toInvoice(row: InvoiceRow): Invoice {
    return Object.assign(new Invoice(), {
      id: row.id,
      number: row.number,
      issuedAt: row.issuedAt,
      total: Money.of(row.total, row.currency),
      pdfUrl: this.links.urlOf('invoice', row.id),
    });
  }

  private toCreditNote(row: CreditNoteRow): CreditNote {
    return Object.assign(new CreditNote(), {
      id: row.id,
      number: row.number,
      issuedAt: row.issuedAt,
      invoiceNumber: row.invoiceNumber,
      amount: Money.of(row.amount, row.currency),
      pdfUrl: this.links.urlOf('credit-note', row.id),
    });
  }
}
