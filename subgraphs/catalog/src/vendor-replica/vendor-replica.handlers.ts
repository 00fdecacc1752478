import { Events, eventHandler } from '@marketplace/kit';
import { VendorStatus } from './vendor-replica.entity';
import type { VendorReplicaService } from './vendor-replica.service';

/**
 * The replica follows the vendor subgraph. Suspension only flips the replica's status:
 * storefront queries join it, so a suspended vendor's products disappear at once and come
 * back on reinstatement without rewriting a single product row.
 */
export const vendorReplicaHandlers = (vendors: VendorReplicaService) => [
  eventHandler(
    'replicate-vendor-approved',
    Events.VendorApproved,
    async ({ payload, occurredAt }, { manager, log }) => {
      const vendor = await vendors.apply(manager, {
        vendorId: payload.vendorId,
        userId: payload.userId,
        displayName: payload.displayName,
        slug: payload.slug,
        status: VendorStatus.ACTIVE,
        at: occurredAt,
      });
      log.info({ vendorId: vendor.id, status: vendor.status }, 'vendor replicated');
    },
  ),
  eventHandler(
    'replicate-vendor-suspended',
    Events.VendorSuspended,
    async ({ payload, occurredAt }, { manager, log }) => {
      const vendor = await vendors.apply(manager, {
        vendorId: payload.vendorId,
        userId: payload.userId,
        status: VendorStatus.SUSPENDED,
        at: occurredAt,
      });
      log.info({ vendorId: vendor.id, status: vendor.status }, 'vendor suspension replicated');
    },
  ),
  eventHandler(
    'replicate-vendor-reinstated',
    Events.VendorReinstated,
    async ({ payload, occurredAt }, { manager, log }) => {
      const vendor = await vendors.apply(manager, {
        vendorId: payload.vendorId,
        userId: payload.userId,
        status: VendorStatus.ACTIVE,
        at: occurredAt,
      });
      log.info({ vendorId: vendor.id, status: vendor.status }, 'vendor reinstatement replicated');
    },
  ),
  eventHandler('replicate-vendor-updated', Events.VendorUpdated, async ({ payload, occurredAt }, { manager, log }) => {
    const vendor = await vendors.apply(manager, {
      vendorId: payload.vendorId,
      userId: payload.userId,
      displayName: payload.displayName,
      slug: payload.slug,
      at: occurredAt,
    });
    log.info({ vendorId: vendor.id, status: vendor.status }, 'vendor profile replicated');
  }),
];
