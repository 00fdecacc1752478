import type { ReferenceResolvers } from '@marketplace/kit';
import { Vendor } from './vendor.type';

/** Any vendor id can carry products; an unknown or unapproved one simply has none. */
export const vendorReferences: ReferenceResolvers = {
  Vendor: {
    __resolveReference: (reference: { id: string }) => Vendor.of(reference.id),
  },
};
