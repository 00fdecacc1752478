import { AssumedListSize, ListSize, type RequestContext } from '@marketplace/kit';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Order } from '../entity-stubs';
import { InvoiceService } from '../invoice/invoice.service';
import { CreditNote, Invoice } from '../invoice/invoice.type';

/** What billing adds to the orders subgraph's `Order`. */
@Resolver(() => Order)
export class OrderBillingResolver {
  constructor(private readonly invoices: InvoiceService) {}

  @FieldResolver(() => Invoice, {
    nullable: true,
    description:
      "The order's invoice, issued once it is paid: for the order's buyer, the vendors with a line on it and admins; null before payment and for anyone else.",
  })
  invoice(@Root() order: Order, @Ctx() context: RequestContext): Promise<Invoice | null> {
    return this.invoices.invoiceByOrderId(context).load(order.id);
  }

  // Nullable: a refusal (a list, so an error) must not null the whole order other subgraphs contributed to.
  @ListSize(AssumedListSize.orderLines)
  @FieldResolver(() => [CreditNote], {
    nullable: true,
    description:
      "The credit notes of the order's refunds, oldest first (empty before any): for whoever may see its invoice; UNAUTHENTICATED or FORBIDDEN (field null) for anyone else.",
  })
  creditNotes(@Root() order: Order, @Ctx() context: RequestContext): Promise<CreditNote[]> {
    return this.invoices.creditNotesByOrderId(context).load(order.id);
  }
}
