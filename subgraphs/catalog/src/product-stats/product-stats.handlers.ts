import { Events, eventHandler } from '@marketplace/kit';
import type { ProductStatsService } from './product-stats.service';

/** licensing → catalog: a download of a product's build started. */
export const productStatsHandlers = (stats: ProductStatsService) => [
  eventHandler('count-product-download', Events.ProductDownloaded, async ({ payload }, { manager, log }) => {
    await stats.downloaded(manager, payload);
    log.info({ productId: payload.productId, downloadId: payload.downloadId }, 'product download counted');
  }),
];
