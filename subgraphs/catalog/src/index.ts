import {
  LocalDirectoryStorage,
  SubgraphModule,
  UrlTokenSigner,
  mediaRoutes,
  publicDataAnnouncer,
} from '@marketplace/kit';
import { artifactRoutes } from './artifact/artifact.routes';
import { ArtifactResolver } from './artifact/artifact.resolver';
import { ArtifactService } from './artifact/artifact.service';
import { StorefrontCache } from './cache/storefront-cache';
import { CatalogConfig, readCatalogConfig } from './config';
import { CategoryAdminResolver } from './category/category-admin.resolver';
import { CategoryAdminService } from './category/category-admin.service';
import { CategoryResolver } from './category/category.resolver';
import { Category } from './category/category.entity';
import { categoryReferences } from './category/category.reference';
import { CategoryService } from './category/category.service';
import { ModerationQueue, entityStubReferences } from './entity-stubs';
import { CreateCatalog1763800000000 } from './migrations/1763800000000-create-catalog';
import { SeedCategories1763800000001 } from './migrations/1763800000001-seed-categories';
import { VendorProfile1763800000002 } from './migrations/1763800000002-vendor-profile';
import { Reviews1763800000003 } from './migrations/1763800000003-reviews';
import { Artifacts1763800000004 } from './migrations/1763800000004-artifacts';
import { MaxActivations1763800000005 } from './migrations/1763800000005-max-activations';
import { AbsentText1763800000006 } from './migrations/1763800000006-absent-text';
import { PriceByCurrency1763800000007 } from './migrations/1763800000007-price-by-currency';
import { AccountSuspensions1800100000001 } from './migrations/1800100000001-account-suspensions';
import { accountSuspensionHandlers } from './account-suspension/account-suspension.handlers';
import { ModerationAndCategoryAdmin1800400000000 } from './migrations/1800400000000-moderation-and-category-admin';
import { ModerationQueueResolver } from './moderation-queue/moderation-queue.resolver';
import { ModerationQueueService } from './moderation-queue/moderation-queue.service';
import { licenseHandlers } from './license/license.handlers';
import { LicenseService } from './license/license.service';
import { ProductReviewsResolver, ReviewResolver, reviewReferences } from './review/review.resolver';
import { ReviewService } from './review/review.service';
import { ReviewStore } from './review/review.store';
import { ProductSearchService } from './product/product-search.service';
import { ProductFacetsService } from './product/product-facets.service';
import { SearchSuggestionResolver } from './search/search-suggestion.resolver';
import { SearchSuggestionService } from './search/search-suggestion.service';
import { CategoryFacetResolver, ProductFacetsResolver, VendorFacetResolver } from './product/product-facets.resolver';
import { ProductWorkflowService } from './product/product-workflow.service';
import { Product } from './product/product.entity';
import { ProductEvents } from './product/product.events';
import { productReferences } from './product/product.reference';
import { ProductResolver } from './product/product.resolver';
import { ProductService } from './product/product.service';
import { ProductStore } from './product/product.store';
import { seedCatalog } from './seed';
import { VendorReplica } from './vendor-replica/vendor-replica.entity';
import { vendorReplicaHandlers } from './vendor-replica/vendor-replica.handlers';
import { VendorReplicaService } from './vendor-replica/vendor-replica.service';
import { VendorProductsResolver } from './vendor-replica/vendor-products.resolver';
import { ErasedUsers1800800000000 } from './migrations/1800800000000-erased-users';
import { catalogPrivacyHandlers } from './privacy/privacy.handlers';
import { Wishlist1801000000000 } from './migrations/1801000000000-wishlist';
import { SearchSuggestions1801300000000 } from './migrations/1801300000000-search-suggestions';
import { ProductWishlistResolver, UserWishlistResolver, WishlistResolver } from './wishlist/wishlist.resolver';
import { WishlistService } from './wishlist/wishlist.service';
import { WishlistStore } from './wishlist/wishlist.store';
import { Merchandising1801400000000 } from './migrations/1801400000000-merchandising';
import { StorefrontPlans1801500000000 } from './migrations/1801500000000-storefront-plans';
import { FeaturedResolver } from './featured/featured.resolver';
import { FeaturedService } from './featured/featured.service';
import { CoPurchaseResolver } from './co-purchase/co-purchase.resolver';
import { CoPurchaseService } from './co-purchase/co-purchase.service';
import { coPurchaseHandlers } from './co-purchase/co-purchase.handlers';
import { ProductStatsResolver } from './product-stats/product-stats.resolver';
import { ProductStatsService } from './product-stats/product-stats.service';
import { productStatsHandlers } from './product-stats/product-stats.handlers';
import { ArtifactVersionsResolver, ArtifactVersionsService } from './artifact/artifact-versions';
import { ProductMedia1801100000000 } from './migrations/1801100000000-product-media';
import { ProductMediaFieldsResolver, ProductMediaResolver } from './media/product-media.resolver';
import { ProductMediaService } from './media/product-media.service';
import { seedDemoMedia } from './media/product-media.seed';

export { DEMO_VENDORS } from './seed';

/** Products, categories and search; keeps a replica of vendors from the vendor subgraph's events. */
export const catalogSubgraph: SubgraphModule<CatalogConfig> = {
  name: 'catalog',
  defaultPort: 4002,
  entities: [VendorReplica, Category, Product],
  // Reached by no root field here: the vendor subgraph answers `moderationQueue`, the catalog adds `products`.
  orphanedTypes: [ModerationQueue],
  migrations: [
    CreateCatalog1763800000000,
    SeedCategories1763800000001,
    VendorProfile1763800000002,
    Reviews1763800000003,
    Artifacts1763800000004,
    MaxActivations1763800000005,
    AbsentText1763800000006,
    PriceByCurrency1763800000007,
    AccountSuspensions1800100000001,
    ModerationAndCategoryAdmin1800400000000,
    ErasedUsers1800800000000,
    Wishlist1801000000000,
    ProductMedia1801100000000,
    SearchSuggestions1801300000000,
    Merchandising1801400000000,
    StorefrontPlans1801500000000,
  ],
  resolvers: [
    ProductResolver,
    CategoryResolver,
    CategoryAdminResolver,
    ModerationQueueResolver,
    VendorProductsResolver,
    ReviewResolver,
    ProductReviewsResolver,
    ArtifactResolver,
    WishlistResolver,
    UserWishlistResolver,
    ProductWishlistResolver,
    FeaturedResolver,
    CoPurchaseResolver,
    ProductStatsResolver,
    ArtifactVersionsResolver,
    ProductMediaResolver,
    ProductMediaFieldsResolver,
    ProductFacetsResolver,
    CategoryFacetResolver,
    VendorFacetResolver,
    SearchSuggestionResolver,
  ],
  readSettings: readCatalogConfig,
  wire({ db, log, outbox, store: keyValues, afterCommit, changes }, settings) {
    const cache = new StorefrontCache(
      keyValues,
      settings.cacheTtlSeconds,
      afterCommit,
      log,
      publicDataAnnouncer(changes, log),
    );
    const vendors = new VendorReplicaService((manager) => cache.storefrontChanged(manager));
    const categories = new CategoryService(db, cache);
    const store = new ProductStore(db, (manager, productId) => cache.productChanged(manager, productId));
    const events = new ProductEvents(outbox);
    const products = new ProductService(db, store, vendors, events, cache);
    const workflow = new ProductWorkflowService(db, store, vendors, events);
    const searching = new ProductSearchService(db, cache);
    const licenses = new LicenseService(db);
    const reviews = new ReviewService(
      db,
      new ReviewStore(db),
      store,
      licenses,
      (context) => products.byId(context),
      cache,
    );
    const artifacts = new ArtifactService(
      db,
      store,
      new LocalDirectoryStorage(settings.artifacts.storageDir),
      new UrlTokenSigner(settings.urlSigningSecret),
      settings,
      cache,
      outbox,
    );
    const wishlists = new WishlistService(db, new WishlistStore(db), (context) => products.byId(context));
    const featured = new FeaturedService(db, store, outbox, cache, (manager, productId) =>
      cache.productChanged(manager, productId),
    );
    const coPurchases = new CoPurchaseService(db, (context) => products.byId(context));
    const stats = new ProductStatsService(db, keyValues, (context) => products.byId(context), settings.productViews);
    const media = new ProductMediaService(
      db,
      store,
      new LocalDirectoryStorage(settings.media.storageDir),
      new UrlTokenSigner(settings.urlSigningSecret),
      settings,
      afterCommit,
      log,
      cache,
    );
    return {
      resolvers: [
        new ProductResolver(products, workflow, searching, categories),
        new CategoryResolver(categories),
        new CategoryAdminResolver(
          new CategoryAdminService(db, outbox, (manager) => cache.storefrontChanged(manager)),
          categories,
        ),
        new ModerationQueueResolver(new ModerationQueueService(db)),
        new VendorProductsResolver(searching),
        new ProductFacetsResolver(new ProductFacetsService(db, cache)),
        new CategoryFacetResolver(categories),
        new VendorFacetResolver(),
        new SearchSuggestionResolver(new SearchSuggestionService(db), products, categories),
        new ReviewResolver(reviews, products),
        new ProductReviewsResolver(reviews),
        new ArtifactResolver(artifacts),
        new WishlistResolver(wishlists),
        new UserWishlistResolver(wishlists),
        new ProductWishlistResolver(wishlists),
        new FeaturedResolver(featured),
        new CoPurchaseResolver(coPurchases),
        new ProductStatsResolver(stats),
        new ArtifactVersionsResolver(new ArtifactVersionsService(db)),
        new ProductMediaResolver(media),
        new ProductMediaFieldsResolver(media),
      ],
      routes: (app) => {
        artifactRoutes(artifacts, log)(app);
        mediaRoutes(media.library, log)(app);
      },
      references: {
        ...productReferences(products),
        ...categoryReferences(categories),
        ...reviewReferences(reviews),
        ...entityStubReferences,
      },
      handlers: [
        ...vendorReplicaHandlers(vendors),
        ...licenseHandlers(licenses),
        ...accountSuspensionHandlers((manager) => cache.storefrontChanged(manager)),
        ...catalogPrivacyHandlers((manager) => cache.storefrontChanged(manager)),
        ...coPurchaseHandlers(coPurchases),
        ...productStatsHandlers(stats),
      ],
      seed: async () => {
        await seedCatalog(db, events, log);
        await seedDemoMedia(db, media, log);
      },
    };
  },
};
