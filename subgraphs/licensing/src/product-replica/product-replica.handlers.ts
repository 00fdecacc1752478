import { Events, eventHandler, productStateHandlers } from '@marketplace/kit';
import type { ProductReplicaService } from './product-replica.service';

/** The replica follows the catalog: license policy from product state events, the current build from uploads. */
export const productReplicaHandlers = (products: ProductReplicaService) => [
  ...productStateHandlers('replicate-product', async ({ payload, type }, { manager, log }) => {
    const applied = await products.applyState(manager, payload);
    log.info(
      {
        productId: payload.productId,
        revision: payload.revision,
        maxActivations: payload.maxActivations,
        applied,
        type,
      },
      'product policy replicated',
    );
  }),
  eventHandler(
    'replicate-product-artifact',
    Events.ProductArtifactUploaded,
    async ({ payload, occurredAt }, { manager, log }) => {
      const applied = await products.applyArtifact(manager, payload, occurredAt);
      log.info({ productId: payload.productId, version: payload.version, applied }, 'product artifact replicated');
    },
  ),
];
