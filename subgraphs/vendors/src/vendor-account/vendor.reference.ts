import type { ReferenceResolvers } from '@marketplace/kit';
import type { VendorService } from './vendor.service';

/**
 * `Vendor` entities other subgraphs point at (a product's vendor, an order line's vendor),
 * loaded in one batch per request tick. They decided to show the vendor, so every status
 * resolves; private fields still depend on the viewer.
 */
export const vendorReferences = (vendors: VendorService): ReferenceResolvers => ({
  Vendor: {
    __resolveReference: (reference: { id: string }, context) => vendors.byId(context).load(reference.id),
  },
});
