import { Envelope, Events, HandlerContext, PayloadOf, eventHandler } from '@marketplace/kit';
import type { ProductReplicaService } from './product-replica.service';

/** The replica follows the catalog's product events; carts and checkout price from it. */
export const productReplicaHandlers = (products: ProductReplicaService) => {
  const applyState = async (
    { payload, occurredAt, type }: Envelope<PayloadOf<typeof Events.ProductPublished>>,
    { manager, log }: HandlerContext,
  ) => {
    const applied = await products.applyState(manager, { ...payload, at: occurredAt });
    log.info(
      { productId: payload.productId, revision: payload.revision, status: payload.status, applied, type },
      'product replicated',
    );
  };
  return [
    eventHandler('replicate-product-published', Events.ProductPublished, applyState),
    eventHandler('replicate-product-updated', Events.ProductUpdated, applyState),
    eventHandler(
      'replicate-product-archived',
      Events.ProductArchived,
      async ({ payload, occurredAt }, { manager, log }) => {
        const applied = await products.archive(manager, { ...payload, at: occurredAt });
        log.info({ productId: payload.productId, status: 'ARCHIVED', applied }, 'product replicated');
      },
    ),
  ];
};
