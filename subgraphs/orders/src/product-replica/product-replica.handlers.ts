import { Events, eventHandler, productStateHandlers } from '@marketplace/kit';
import type { ProductReplicaService } from './product-replica.service';

/** The replica follows the catalog's product events; carts and checkout price from it. */
export const productReplicaHandlers = (products: ProductReplicaService) => [
  ...productStateHandlers('replicate-product', async ({ payload, occurredAt, type }, { manager, log }) => {
    const applied = await products.applyState(manager, { ...payload, at: occurredAt });
    log.info(
      { productId: payload.productId, revision: payload.revision, status: payload.status, applied, type },
      'product replicated',
    );
  }),
  eventHandler(
    'replicate-product-archived',
    Events.ProductArchived,
    async ({ payload, occurredAt }, { manager, log }) => {
      const applied = await products.archive(manager, { ...payload, at: occurredAt });
      log.info({ productId: payload.productId, status: 'ARCHIVED', applied }, 'product replicated');
    },
  ),
];
