import { z } from 'zod';
import { defineEvent } from '../events/envelope';
import { money } from './event-payloads';

/** Users one `product.price_dropped` names at most; more wishlisters get more events. */
export const PRICE_DROP_USERS_PER_EVENT = 500;

/** What shoppers follow (issue 22): each recorded in the transaction of the change. */
export const StorefrontEvents = {
  /**
   * A published product's price went down (same currency, lower amount), for the users whose
   * wishlist holds it (catalog → notifications: a price-drop notification to each). At most
   * {@link PRICE_DROP_USERS_PER_EVENT} users per event; the change records as many as it needs.
   */
  ProductPriceDropped: defineEvent(
    'product.price_dropped',
    1,
    z.object({
      productId: z.string().uuid(),
      slug: z.string().min(1),
      name: z.string().min(1),
      previousPrice: money(),
      price: money(),
      userIds: z.array(z.string().uuid()).min(1).max(PRICE_DROP_USERS_PER_EVENT),
    }),
  ),

  /**
   * A licensed download of a product's build started (licensing → catalog: `Product.downloadCount`).
   * Recorded in the transaction that logs the download, for a whole download or a range starting
   * at byte 0; the later ranges of a resumed download are not another download.
   */
  ProductDownloaded: defineEvent(
    'product.downloaded',
    1,
    z.object({
      productId: z.string().uuid(),
      licenseId: z.string().uuid(),
      /** Licensing's row of the download log: names this download for good. */
      downloadId: z.string().regex(/^[0-9]+$/),
      version: z.string().min(1),
    }),
  ),
} as const;
