import type { SubgraphModule } from '@marketplace/kit';
import { CartResolver } from './cart/cart.resolver';
import { CartService } from './cart/cart.service';
import type { OrdersConfig } from './config';
import { CreateProductReplica1763790000000 } from './migrations/1763790000000-create-product-replica';
import { CreateCarts1763790000001 } from './migrations/1763790000001-create-carts';
import { productReplicaHandlers } from './product-replica/product-replica.events';
import { ProductReplicaService } from './product-replica/product-replica.service';
import { productReferences } from './product-replica/product.type';

/** Carts, orders and the replica of published products they are priced from. */
export const ordersSubgraph: SubgraphModule<OrdersConfig> = {
  name: 'orders',
  defaultPort: 4003,
  entities: [],
  migrations: [CreateProductReplica1763790000000, CreateCarts1763790000001],
  resolvers: [CartResolver],
  wire({ db }) {
    const products = new ProductReplicaService();
    return {
      resolvers: [new CartResolver(new CartService(db, products))],
      references: productReferences,
      handlers: productReplicaHandlers(products),
    };
  },
};
