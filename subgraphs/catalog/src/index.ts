import type { SubgraphModule } from '@marketplace/kit';
import { CategoryResolver } from './category/category.resolver';
import { Category } from './category/category.entity';
import { CategoryService } from './category/category.service';
import { CreateCatalog1763800000000 } from './migrations/1763800000000-create-catalog';
import { SeedCategories1763800000001 } from './migrations/1763800000001-seed-categories';
import { ProductSearchService } from './product/product-search.service';
import { ProductWorkflowService } from './product/product-workflow.service';
import { Product } from './product/product.entity';
import { ProductEvents } from './product/product.events';
import { productReferences } from './product/product.reference';
import { ProductResolver } from './product/product.resolver';
import { ProductService } from './product/product.service';
import { ProductStore } from './product/product.store';
import { seedCatalog } from './seed';
import { VendorReplica } from './vendor-replica/vendor-replica.entity';
import { vendorReplicaHandlers } from './vendor-replica/vendor-replica.events';
import { VendorReplicaService } from './vendor-replica/vendor-replica.service';
import { vendorReferences } from './vendor-replica/vendor.reference';
import { VendorResolver } from './vendor-replica/vendor.resolver';

export { DEMO_VENDORS } from './seed';

/** Products, categories and search; keeps a replica of vendors from the vendor subgraph's events. */
export const catalogSubgraph: SubgraphModule = {
  name: 'catalog',
  defaultPort: 4002,
  entities: [VendorReplica, Category, Product],
  migrations: [CreateCatalog1763800000000, SeedCategories1763800000001],
  resolvers: [ProductResolver, CategoryResolver, VendorResolver],
  wire({ db, log, outbox }) {
    const vendors = new VendorReplicaService();
    const categories = new CategoryService(db);
    const store = new ProductStore(db);
    const events = new ProductEvents(outbox);
    const products = new ProductService(db, store, vendors, events);
    const workflow = new ProductWorkflowService(db, store, vendors, events);
    const searching = new ProductSearchService(db);
    return {
      resolvers: [new ProductResolver(products, workflow, searching, categories), new CategoryResolver(categories), new VendorResolver(searching)],
      references: { ...productReferences(products), ...vendorReferences },
      handlers: vendorReplicaHandlers(vendors),
      seed: () => seedCatalog(db, events, log),
    };
  },
};
