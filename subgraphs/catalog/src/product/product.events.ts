import {
  Events,
  Outbox,
  PRICE_DROP_USERS_PER_EVENT,
  PayloadOf,
  RequestContext,
  recordAudit,
  requestOrigin,
} from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import { Product, ProductStatus } from './product.entity';

/** The state other subgraphs keep of a product (orders' replica), at this revision. */
export function productState(product: Product): PayloadOf<typeof Events.ProductPublished> {
  return {
    productId: product.id,
    vendorId: product.vendorId,
    slug: product.slug,
    name: product.name,
    kind: product.kind,
    price: { amount: product.priceAmount, currency: product.priceCurrency },
    categoryId: product.categoryId,
    status: product.status,
    maxActivations: product.maxActivations,
    revision: product.revision,
  };
}

/** Records product events inside the transaction that changed the product. */
export class ProductEvents {
  constructor(private readonly outbox: Outbox) {}

  /** An admin's moderation decision, in the audit trail with the status (and reason) before and after. */
  moderated(
    manager: EntityManager,
    context: RequestContext,
    action: 'PRODUCT_APPROVED' | 'PRODUCT_REJECTED',
    before: Pick<Product, 'status'>,
    after: Product,
  ) {
    return recordAudit(manager, this.outbox, requestOrigin(context), {
      action,
      targetType: 'Product',
      targetId: after.id,
      before: { status: before.status },
      after: { status: after.status, rejectionReason: after.rejectionReason, revision: after.revision },
    });
  }

  /**
   * A product entering review, or the admin's answer, for the people concerned (notifications):
   * `vendorUserId` is the vendor's user as the vendor replica knows it.
   */
  submittedForReview(
    manager: EntityManager,
    context: Pick<RequestContext, 'requestId'>,
    product: Product,
    vendorUserId: string,
  ) {
    return this.outbox.record(
      manager,
      Events.ProductSubmittedForReview,
      { productId: product.id, vendorId: product.vendorId, userId: vendorUserId, name: product.name },
      { aggregateId: product.id, correlationId: context.requestId },
    );
  }

  decided(manager: EntityManager, context: Pick<RequestContext, 'requestId'>, product: Product, vendorUserId: string) {
    return this.outbox.record(
      manager,
      Events.ProductModerated,
      {
        productId: product.id,
        vendorId: product.vendorId,
        userId: vendorUserId,
        name: product.name,
        slug: product.slug,
        decision: product.status === ProductStatus.PUBLISHED ? 'APPROVED' : 'REJECTED',
        reason: product.rejectionReason ?? null,
      },
      { aggregateId: product.id, correlationId: context.requestId },
    );
  }

  published(manager: EntityManager, context: Pick<RequestContext, 'requestId'>, product: Product) {
    return this.outbox.record(manager, Events.ProductPublished, productState(product), {
      aggregateId: product.id,
      correlationId: context.requestId,
    });
  }

  updated(manager: EntityManager, context: Pick<RequestContext, 'requestId'>, product: Product) {
    return this.outbox.record(manager, Events.ProductUpdated, productState(product), {
      aggregateId: product.id,
      correlationId: context.requestId,
    });
  }

  archived(manager: EntityManager, context: Pick<RequestContext, 'requestId'>, product: Product) {
    return this.outbox.record(
      manager,
      Events.ProductArchived,
      { productId: product.id, vendorId: product.vendorId },
      { aggregateId: product.id, correlationId: context.requestId },
    );
  }

  /**
   * A published product's price went down: one event per PRICE_DROP_USERS_PER_EVENT of the
   * users whose wishlist holds it (none when no wishlist does).
   */
  async priceDropped(
    manager: EntityManager,
    context: Pick<RequestContext, 'requestId'>,
    product: Product,
    previousPrice: PayloadOf<typeof Events.ProductPriceDropped>['price'],
    userIds: string[],
  ) {
    for (let start = 0; start < userIds.length; start += PRICE_DROP_USERS_PER_EVENT)
      await this.outbox.record(
        manager,
        Events.ProductPriceDropped,
        {
          productId: product.id,
          slug: product.slug,
          name: product.name,
          previousPrice,
          price: { amount: product.priceAmount, currency: product.priceCurrency },
          userIds: userIds.slice(start, start + PRICE_DROP_USERS_PER_EVENT),
        },
        { aggregateId: product.id, correlationId: context.requestId },
      );
  }
}
