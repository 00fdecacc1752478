import type { Express, Request, Response } from 'express';
import { Logger, answerRouteError, asRouteRefusal, notFound, requestIdFrom } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { invoiceStore } from '../invoice/invoice.store';
import { DocumentClaims, DocumentLinks } from './document.links';
import { PrintableDocument, renderDocumentPdf } from './document.pdf';

/**
 * `GET /invoices/:token` (reached through the gateway's REST edge): the PDF of the invoice or
 * credit note the signed link names, rendered from its stored snapshot. Refusals are a small
 * JSON error: 403 forged link, 410 expired link, 404 no such document.
 */
export function documentRoutes(db: DataSource, links: DocumentLinks, log: Logger) {
  return (app: Express): void => {
    app.get('/invoices/:token', async (req: Request<{ token: string }>, res: Response) => {
      const requestLog = log.child({ requestId: requestIdFrom(req.headers), route: 'billing-document' });
      try {
        const claims = links.open(req.params.token);
        const document = await asRouteRefusal(() => printable(db, claims));
        const pdf = await renderDocumentPdf(document);
        res.status(200);
        res.setHeader('content-type', 'application/pdf');
        res.setHeader('content-length', String(pdf.length));
        res.setHeader('content-disposition', `attachment; filename="${document.number}.pdf"`);
        res.setHeader('cache-control', 'private, no-store');
        requestLog.info({ kind: claims.k, number: document.number }, 'billing document downloaded');
        res.end(pdf);
      } catch (error) {
        answerRouteError(res, error, requestLog, 'billing document download');
      }
    });
  };
}

/** The document a link names, as printed: NOT_FOUND (404) when it does not exist. */
export async function printable(db: DataSource, claims: DocumentClaims): Promise<PrintableDocument> {
  if (claims.k === 'invoice') {
    const invoice = await invoiceStore.byId(db, claims.id);
    if (!invoice) throw notFound('Invoice');
    return { title: 'Invoice', number: invoice.number, issuedAt: invoice.issuedAt, ...invoice.snapshot };
  }
  const note = await invoiceStore.creditNoteById(db, claims.id);
  if (!note) throw notFound('Credit note');
  const { invoiceNumber, reason, ...rest } = note.snapshot;
  return {
    title: 'Credit note',
    number: note.number,
    issuedAt: note.issuedAt,
    credits: { invoiceNumber, reason },
    ...rest,
  };
}
