import { SubgraphModule, UrlTokenSigner } from '@marketplace/kit';
import { BillingConfig, readBillingConfig } from './config';
import { CreditNoteService } from './credit-note/credit-note.service';
import { Order, entityStubReferences } from './entity-stubs';
import { invoiceHandlers } from './invoice/invoice.handlers';
import { InvoiceService } from './invoice/invoice.service';
import { CreditNote, Invoice } from './invoice/invoice.type';
import { CreateBilling1801900000000 } from './migrations/1801900000000-create-billing';
import { OrderBillingResolver } from './order/order-billing.resolver';
import { DocumentLinks } from './pdf/document.links';
import { documentRoutes } from './pdf/document.routes';
import { billingPrivacyHandlers } from './privacy/privacy.handlers';
import { vendorReplicaHandlers } from './vendor-replica/vendor-replica.handlers';
import { VendorReplica } from './vendor-replica/vendor-replica.store';

export { BillingConfig, readBillingConfig } from './config';

/**
 * Billing (issue 23): a numbered invoice for every paid order and a credit note for every
 * refund, snapshots of what was billed, rendered to PDF on download through signed links
 * (`Order.invoice`, `Order.creditNotes`).
 */
export const billingSubgraph: SubgraphModule<BillingConfig> = {
  name: 'billing',
  defaultPort: 4009,
  entities: [],
  migrations: [CreateBilling1801900000000],
  resolvers: [OrderBillingResolver],
  // No Query of its own: the types are reached through `Order` only, so type-graphql is told of them.
  orphanedTypes: [Order, Invoice, CreditNote],
  readSettings: readBillingConfig,
  wire({ db, log }, settings) {
    const links = new DocumentLinks(new UrlTokenSigner(settings.urlSigningSecret), settings);
    const vendors = new VendorReplica(db);
    const invoices = new InvoiceService(db, settings.seller, vendors, links);
    return {
      resolvers: [new OrderBillingResolver(invoices)],
      references: entityStubReferences,
      routes: documentRoutes(db, links, log),
      handlers: [
        ...invoiceHandlers(invoices, new CreditNoteService()),
        ...vendorReplicaHandlers(vendors),
        ...billingPrivacyHandlers(),
      ],
    };
  },
};
