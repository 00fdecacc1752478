import { EntityStub, entityStubs } from '@marketplace/kit';

/**
 * Entities other subgraphs own, known here only by their key: an order points at its `User`
 * (and contributes `User.orders`, `User.cart`), an order line at its `Product` (catalog, which
 * gets `Product.viewerInCart`) and `Vendor` (which gets `Vendor.coupons`); a coupon targets `Category`s.
 * A representation needs no lookup: its key is all `User.orders` needs.
 */
export const {
  User,
  Product,
  Vendor,
  Category,
  references: entityStubReferences,
} = entityStubs('User', 'Product', 'Vendor', 'Category');
export type User = EntityStub;
export type Product = EntityStub;
export type Vendor = EntityStub;
export type Category = EntityStub;
