import type { SubgraphModule } from '@marketplace/kit';
import { ProductInCartResolver, UserCartResolver } from './cart/cart-viewer.resolver';
import { CartResolver } from './cart/cart.resolver';
import { CartService } from './cart/cart.service';
import { OrdersConfig, readOrdersConfig } from './config';
import { entityStubReferences } from './entity-stubs';
import { CreateProductReplica1763790000000 } from './migrations/1763790000000-create-product-replica';
import { CreateCarts1763790000001 } from './migrations/1763790000001-create-carts';
import { CreateOrders1763790000002 } from './migrations/1763790000002-create-orders';
import { OrderStatusChangeReasons1763790000003 } from './migrations/1763790000003-order-status-change-reasons';
import { OrderSearchAndTimeline1800200000000 } from './migrations/1800200000000-order-search-and-timeline';
import { customerReplicaHandlers } from './customer-replica/customer-replica.handlers';
import { OrderSearchResolver } from './order/order-search.resolver';
import { timelineHandlers } from './timeline/timeline.handlers';
import { OrderTimelineResolver } from './timeline/timeline.resolver';
import { TimelineService } from './timeline/timeline.service';
import { OrderRollups1800700000000 } from './migrations/1800700000000-order-rollups';
import { CheckoutService } from './order/checkout.service';
import { startExpiryJob } from './order/order-expiry';
import { orderHandlers } from './order/order.handlers';
import { orderReferences } from './order/order.reference';
import { OrderResolver } from './order/order.resolver';
import { OrderService } from './order/order.service';
import { OrderSubscriptionResolver } from './order/order.subscription';
import { OrderTransitions } from './order/order.transitions';
import { productReplicaHandlers } from './product-replica/product-replica.handlers';
import { ProductReplicaService } from './product-replica/product-replica.service';
import {
  PlatformStatsResolver,
  PlatformTopProductResolver,
  PlatformTopVendorResolver,
} from './platform-stats/platform-stats.resolver';
import { PlatformStatsService } from './platform-stats/platform-stats.service';
import { UserOrdersResolver } from './user/user-orders.resolver';
import { ErasedUsers1800800000000 } from './migrations/1800800000000-erased-users';
import { TopSellerRollups1800900000000 } from './migrations/1800900000000-top-seller-rollups';
import { orderPrivacyHandlers } from './privacy/privacy.handlers';
import { TaxRateResolver } from './tax/tax-rate.resolver';
import { TaxRateService } from './tax/tax-rate.service';
import { OrderMoney1801600000000 } from './migrations/1801600000000-order-money';
import { Coupons1801700000000 } from './migrations/1801700000000-coupons';
import { CouponPricing } from './coupon/coupon-pricing';
import { CartCouponResolver, CouponResolver, VendorCouponsResolver } from './coupon/coupon.resolver';
import { CouponService } from './coupon/coupon.service';
import { OrderItemDiscountsResolver } from './coupon/order-item-discounts.resolver';
import { vendorReplicaHandlers } from './vendor-replica/vendor-replica.handlers';
import { VendorReplicaService } from './vendor-replica/vendor-replica.service';
import { LinesRefundedTimeline1801800000000 } from './migrations/1801800000000-lines-refunded-timeline';
import { LineTotalRollups1801800000001 } from './migrations/1801800000001-line-total-rollups';
import { orderRefundHandlers } from './order/order-refund.handlers';

/** Carts, orders and the replica of published products they are priced from. */
export const ordersSubgraph: SubgraphModule<OrdersConfig> = {
  name: 'orders',
  defaultPort: 4003,
  entities: [],
  migrations: [
    CreateProductReplica1763790000000,
    CreateCarts1763790000001,
    CreateOrders1763790000002,
    OrderStatusChangeReasons1763790000003,
    OrderSearchAndTimeline1800200000000,
    OrderRollups1800700000000,
    ErasedUsers1800800000000,
    TopSellerRollups1800900000000,
    OrderMoney1801600000000,
    Coupons1801700000000,
    LinesRefundedTimeline1801800000000,
    LineTotalRollups1801800000001,
  ],
  resolvers: [
    CartResolver,
    UserCartResolver,
    ProductInCartResolver,
    OrderResolver,
    OrderSearchResolver,
    OrderTimelineResolver,
    OrderSubscriptionResolver,
    UserOrdersResolver,
    PlatformStatsResolver,
    PlatformTopProductResolver,
    PlatformTopVendorResolver,
    TaxRateResolver,
    CouponResolver,
    VendorCouponsResolver,
    CartCouponResolver,
    OrderItemDiscountsResolver,
  ],
  readSettings: readOrdersConfig,
  wire(deps, settings) {
    const { db, outbox, changes, log } = deps;
    const products = new ProductReplicaService();
    const vendors = new VendorReplicaService();
    const couponPricing = new CouponPricing();
    const coupons = new CouponService(db, vendors);
    const carts = new CartService(db, products, couponPricing);
    const transitions = new OrderTransitions(deps, couponPricing);
    const orders = new OrderService(db, transitions, settings, log);
    const stopExpiry = startExpiryJob(orders, settings, log);
    const taxRates = new TaxRateService(db, outbox);
    return {
      resolvers: [
        new CartResolver(carts),
        new UserCartResolver(carts),
        new ProductInCartResolver(carts),
        new OrderResolver(
          orders,
          new CheckoutService(db, carts, couponPricing, taxRates, outbox, transitions, settings.sellerCountry),
        ),
        new OrderSearchResolver(orders),
        new OrderTimelineResolver(new TimelineService(db)),
        new OrderSubscriptionResolver(orders, changes),
        new UserOrdersResolver(orders),
        new PlatformStatsResolver(new PlatformStatsService(db)),
        new PlatformTopProductResolver(),
        new PlatformTopVendorResolver(),
        new TaxRateResolver(taxRates),
        new CouponResolver(coupons),
        new VendorCouponsResolver(coupons),
        new CartCouponResolver(),
        new OrderItemDiscountsResolver(db),
      ],
      references: { ...entityStubReferences, ...orderReferences(orders) },
      handlers: [
        ...productReplicaHandlers(products),
        ...vendorReplicaHandlers(vendors),
        ...orderHandlers(transitions),
        ...orderRefundHandlers(transitions),
        ...timelineHandlers(transitions),
        ...customerReplicaHandlers(),
        ...orderPrivacyHandlers(),
      ],
      close: stopExpiry,
    };
  },
};
