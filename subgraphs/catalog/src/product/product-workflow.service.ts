import { RequestContext, Role, badInput, conflict, forbidden, isUuid, notYours, requireViewer } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { VendorStatus } from '../vendor-replica/vendor-replica.entity';
import type { VendorReplicaService } from '../vendor-replica/vendor-replica.service';
import { canManage, canView, isOwner } from './product.access';
import { Product, ProductStatus } from './product.entity';
import type { ProductEvents } from './product.events';
import type { ProductStore } from './product.store';
import { ProductInputCheck } from './product.validation';

/**
 * Moderation: DRAFT/REJECTED → IN_REVIEW → PUBLISHED or REJECTED; anything but ARCHIVED →
 * ARCHIVED. Each transition locks the product row, so of two concurrent transitions
 * the second sees the first's result; an illegal one is a CONFLICT naming the status.
 */
export class ProductWorkflowService {
  constructor(
    private readonly db: DataSource,
    private readonly store: ProductStore,
    private readonly vendors: VendorReplicaService,
    private readonly events: ProductEvents,
  ) {}

  /** The owner asks for review; their vendor must be active. */
  submitForReview(context: RequestContext, id: string): Promise<Product> {
    const viewer = requireViewer(context);
    return this.transition(context, id, async (manager, product) => {
      if (!isOwner(viewer, product))
        throw notYours('Product', canView(viewer, product), "Only the product's vendor can submit it");
      expectStatus(product, [ProductStatus.DRAFT, ProductStatus.REJECTED], 'submitted for review');
      const vendor = await this.activeVendor(manager, product);
      if (!vendor) throw forbidden('Your vendor account is suspended', 'VENDOR_SUSPENDED');
      product.status = ProductStatus.IN_REVIEW;
      // The last review's reason was answered by this submission; the audit trail keeps it.
      product.rejectionReason = null;
      const saved = await this.store.save(manager, product, { submitted: true });
      await this.events.submittedForReview(manager, context, saved, vendor.userId);
      return saved;
    });
  }

  /** An admin publishes a product under review; its vendor must (still) be active. */
  approve(context: RequestContext, id: string): Promise<Product> {
    requireAdmin(context);
    return this.transition(context, id, async (manager, product) => {
      expectStatus(product, [ProductStatus.IN_REVIEW], 'approved');
      const vendor = await this.activeVendor(manager, product);
      if (!vendor) throw conflict("The product's vendor is suspended", 'VENDOR_SUSPENDED');
      const before = { status: product.status };
      product.status = ProductStatus.PUBLISHED;
      product.rejectionReason = null;
      const saved = await this.store.save(manager, product, { published: true });
      await this.events.published(manager, context, saved);
      await this.events.moderated(manager, context, 'PRODUCT_APPROVED', before, saved);
      await this.events.decided(manager, context, saved, vendor.userId);
      return saved;
    });
  }

  /** An admin sends a product under review back to its vendor, saying why. */
  reject(context: RequestContext, id: string, reason: string): Promise<Product> {
    requireAdmin(context);
    const check = new ProductInputCheck();
    check.id('input.productId', id);
    const why = check.reason('input.reason', reason);
    check.done();
    return this.transition(context, id, async (manager, product) => {
      expectStatus(product, [ProductStatus.IN_REVIEW], 'rejected');
      const before = { status: product.status };
      product.status = ProductStatus.REJECTED;
      product.rejectionReason = why;
      const saved = await this.store.save(manager, product);
      await this.events.moderated(manager, context, 'PRODUCT_REJECTED', before, saved);
      const vendor = await this.vendors.lockShared(manager, product.vendorId);
      if (vendor) await this.events.decided(manager, context, saved, vendor.userId);
      return saved;
    });
  }

  /** The owner or an admin withdraws a product for good; the storefront's replicas hear of it if it was published. */
  archive(context: RequestContext, id: string): Promise<Product> {
    const viewer = requireViewer(context);
    return this.transition(context, id, async (manager, product) => {
      if (!canManage(viewer, product))
        throw notYours('Product', canView(viewer, product), "Only the product's vendor or an admin can archive it");
      const wasPublished = product.status === ProductStatus.PUBLISHED;
      expectStatus(
        product,
        [ProductStatus.DRAFT, ProductStatus.IN_REVIEW, ProductStatus.PUBLISHED, ProductStatus.REJECTED],
        'archived',
      );
      product.status = ProductStatus.ARCHIVED;
      const saved = await this.store.save(manager, product);
      if (wasPublished) await this.events.archived(manager, context, saved);
      return saved;
    });
  }

  private async transition(
    context: RequestContext,
    id: string,
    apply: (manager: EntityManager, product: Product) => Promise<Product>,
  ): Promise<Product> {
    if (!isUuid(id)) throw badInput([{ field: 'input.productId', message: 'is not a valid id' }]);
    const saved = await this.db.transaction(async (manager) => apply(manager, await this.store.lock(manager, id)));
    context.log.info({ productId: saved.id, status: saved.status, revision: saved.revision }, 'product status changed');
    return saved;
  }

  /** The product's vendor when active, sharing the vendor row's lock: a suspension cannot slip in before this transaction commits. */
  private async activeVendor(manager: EntityManager, product: Product) {
    const vendor = await this.vendors.lockShared(manager, product.vendorId);
    return vendor?.status === VendorStatus.ACTIVE ? vendor : null;
  }
}

function requireAdmin(context: RequestContext): void {
  if (requireViewer(context).role !== Role.ADMIN) throw forbidden();
}

function expectStatus(product: Product, allowed: ProductStatus[], action: string): void {
  if (!allowed.includes(product.status))
    throw conflict(
      `A product that is ${product.status} cannot be ${action}`,
      product.status === ProductStatus.ARCHIVED ? 'PRODUCT_ARCHIVED' : 'INVALID_STATUS',
    );
}
