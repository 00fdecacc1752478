import { Events, eventHandler } from '@marketplace/kit';
import type { VendorReplica } from './vendor-replica.store';

/** Keeps the vendor → user map; both events carry the whole pair, so their order does not matter. */
export const vendorReplicaHandlers = (vendors: VendorReplica) => [
  eventHandler('billing-vendor-approved', Events.VendorApproved, async ({ payload }, { manager }) => {
    await vendors.keep(manager, payload.vendorId, payload.userId);
  }),
  eventHandler('billing-vendor-updated', Events.VendorUpdated, async ({ payload }, { manager }) => {
    await vendors.keep(manager, payload.vendorId, payload.userId);
  }),
];
