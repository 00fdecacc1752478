import { Role, Viewer } from '@marketplace/kit';
import { VendorStatus } from '../vendor-replica/vendor-replica.entity';
import { Product, ProductStatus } from './product.entity';

/** Who may see and change what, in one place. */

export function isOwner(viewer: Viewer | null, product: Product): boolean {
  return viewer !== null && product.vendorUserId === viewer.id;
}

/** The owner and admins manage a product and see all of it (status, rejection reason). */
export function canManage(viewer: Viewer | null, product: Product): boolean {
  return viewer?.role === Role.ADMIN || isOwner(viewer, product);
}

/** In the storefront: published, and its vendor is not suspended. */
export function isOnStorefront(product: Product): boolean {
  return product.status === ProductStatus.PUBLISHED && product.vendorStatus === VendorStatus.ACTIVE;
}

/** `product(id|slug)`: the storefront, plus everything of one's own (admins: everything). */
export function canView(viewer: Viewer | null, product: Product): boolean {
  return isOnStorefront(product) || canManage(viewer, product);
}

/**
 * Entity references come from things a viewer already holds (order lines, licenses), so
 * a product that was ever published still resolves there after it was archived or its
 * vendor suspended. Drafts stay private.
 */
export function canReference(viewer: Viewer | null, product: Product): boolean {
  return product.publishedAt !== null || canManage(viewer, product);
}
