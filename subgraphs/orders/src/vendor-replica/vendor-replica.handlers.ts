import { Events, eventHandler } from '@marketplace/kit';
import type { VendorReplicaService } from './vendor-replica.service';

/** The replica follows the vendor subgraph: who runs which vendor, and whether it is ACTIVE. */
export const vendorReplicaHandlers = (vendors: VendorReplicaService) => [
  eventHandler(
    'replicate-vendor-approved',
    Events.VendorApproved,
    async ({ payload, occurredAt }, { manager, log }) => {
      const vendor = await vendors.apply(manager, { ...payload, status: 'ACTIVE', at: occurredAt });
      log.info({ vendorId: vendor.id, status: vendor.status }, 'vendor replicated');
    },
  ),
  eventHandler('replicate-vendor-updated', Events.VendorUpdated, async ({ payload, occurredAt }, { manager, log }) => {
    const vendor = await vendors.apply(manager, { vendorId: payload.vendorId, userId: payload.userId, at: occurredAt });
    log.info({ vendorId: vendor.id, status: vendor.status }, 'vendor replicated');
  }),
  eventHandler(
    'replicate-vendor-suspended',
    Events.VendorSuspended,
    async ({ payload, occurredAt }, { manager, log }) => {
      const vendor = await vendors.apply(manager, { ...payload, status: 'SUSPENDED', at: occurredAt });
      log.info({ vendorId: vendor.id, status: vendor.status }, 'vendor suspension replicated');
    },
  ),
  eventHandler(
    'replicate-vendor-reinstated',
    Events.VendorReinstated,
    async ({ payload, occurredAt }, { manager, log }) => {
      const vendor = await vendors.apply(manager, { ...payload, status: 'ACTIVE', at: occurredAt });
      log.info({ vendorId: vendor.id, status: vendor.status }, 'vendor reinstatement replicated');
    },
  ),
];
