import { entityStub, stubReferences } from '@marketplace/kit';

/** The orders subgraph owns `Order`; payments knows only its key and adds `Order.payments`. */
export const Order = entityStub('Order');
export type Order = InstanceType<typeof Order>;

/** An `Order` representation needs no lookup: its key is all `Order.payments` needs, and that field batches. */
export const entityStubReferences = stubReferences(Order);
