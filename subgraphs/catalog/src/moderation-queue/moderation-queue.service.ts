import { ConnectionShape, PageFields, oldestFirstPage } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { PRODUCTS_WITH_VENDOR, PRODUCT_COLUMNS, ProductRow, toProduct } from '../product/product.store';
import { QueuedProduct } from './moderation-queue.type';

/** The catalog's part of the moderation queue: products IN_REVIEW, the longest waiting first. */
export class ModerationQueueService {
  constructor(private readonly db: DataSource) {}

  /** One page of products in review, oldest submission first (two statements: the count, the page). */
  products(page: PageFields): Promise<ConnectionShape<QueuedProduct>> {
    const now = Date.now();
    return oldestFirstPage(
      this.db,
      {
        columns: PRODUCT_COLUMNS,
        from: PRODUCTS_WITH_VENDOR,
        where: `p.status = 'IN_REVIEW'`,
        parameters: [],
        orderBy: ['p.submitted_at', 'p.id'],
      },
      page,
      (row: ProductRow) => {
        const product = toProduct(row);
        // Every product entering review gets a time (the migration gave one to those already there).
        const submittedAt = product.submittedAt ?? product.updatedAt;
        return Object.assign(new QueuedProduct(), {
          product,
          submittedAt,
          waitingSeconds: Math.max(0, Math.floor((now - submittedAt.getTime()) / 1000)),
        });
      },
      (queued) => ({ time: queued.submittedAt, id: queued.product.id }),
    );
  }
}
