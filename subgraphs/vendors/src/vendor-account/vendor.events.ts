import { Events, PayloadOf } from '@marketplace/kit';
import type { Vendor } from './vendor.entity';

/** What `vendor.approved` tells other subgraphs (users: role VENDOR; catalog: vendor replica). */
export function approvedPayload(vendor: Vendor): PayloadOf<typeof Events.VendorApproved> {
  return {
    vendorId: vendor.id,
    userId: vendor.userId,
    displayName: vendor.displayName,
    slug: vendor.slug,
    commissionBps: vendor.commissionBps,
  };
}
