import { Envelope, Events, HandlerContext, PayloadOf, eventHandler } from '@marketplace/kit';
import type { ProductReplicaService } from './product-replica.service';

/** The replica follows the catalog: license policy from product state events, the current build from uploads. */
export const productReplicaHandlers = (products: ProductReplicaService) => {
  const applyState = async (
    { payload, type }: Envelope<PayloadOf<typeof Events.ProductPublished>>,
    { manager, log }: HandlerContext,
  ) => {
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
  };
  return [
    eventHandler('replicate-product-published', Events.ProductPublished, applyState),
    eventHandler('replicate-product-updated', Events.ProductUpdated, applyState),
    eventHandler(
      'replicate-product-artifact',
      Events.ProductArtifactUploaded,
      async ({ payload, occurredAt }, { manager, log }) => {
        const applied = await products.applyArtifact(manager, payload, occurredAt);
        log.info({ productId: payload.productId, version: payload.version, applied }, 'product artifact replicated');
      },
    ),
  ];
};
