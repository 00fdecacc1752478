import type { SubgraphModule } from '@marketplace/kit';
import { VendorConfig, readVendorConfig } from './config';
import { CreateVendors1763780000000 } from './migrations/1763780000000-create-vendors';
import { seedVendors } from './seed';
import { userReferences } from './user/user.reference';
import { UserVendorResolver } from './user/user.resolver';
import { VendorModerationService } from './vendor/vendor-moderation.service';
import { Vendor } from './vendor/vendor.entity';
import { vendorReferences } from './vendor/vendor.reference';
import { VendorResolver } from './vendor/vendor.resolver';
import { VendorService } from './vendor/vendor.service';

export { DEMO_VENDORS } from './seed';
export { VendorStatus } from './vendor/vendor.entity';

/** Vendor applications, storefront profiles and their moderation. */
export const vendorSubgraph: SubgraphModule<VendorConfig> = {
  name: 'vendor',
  defaultPort: 4006,
  entities: [Vendor],
  migrations: [CreateVendors1763780000000],
  resolvers: [VendorResolver, UserVendorResolver],
  readSettings: readVendorConfig,
  wire({ db, outbox }, settings) {
    const vendors = new VendorService(db, settings, outbox);
    const moderation = new VendorModerationService(db, outbox);
    return {
      resolvers: [new VendorResolver(vendors, moderation), new UserVendorResolver(vendors)],
      references: { ...vendorReferences(vendors), ...userReferences },
      seed: () => seedVendors(db, outbox, settings),
    };
  },
};
