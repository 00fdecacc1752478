import { SubgraphModule, publicDataAnnouncer } from '@marketplace/kit';
import { VendorConfig, readVendorConfig } from './config';
import { entityStubReferences } from './entity-stubs';
import { ledgerHandlers } from './ledger/ledger.handlers';
import { LedgerEntryResolver, TopProductResolver, VendorLedgerResolver } from './ledger/ledger.resolver';
import { LedgerStatsService } from './ledger/ledger-stats.service';
import { LedgerService } from './ledger/ledger.service';
import { CreateVendors1763780000000 } from './migrations/1763780000000-create-vendors';
import { CreateLedger1763810000000 } from './migrations/1763810000000-create-ledger';
import { PayoutIdempotency1796500000000 } from './migrations/1796500000000-payout-idempotency';
import { LedgerRollups1800700000000 } from './migrations/1800700000000-ledger-rollups';
import { payoutReferences } from './payout/payout.reference';
import { PayoutResolver, VendorPayoutsResolver } from './payout/payout.resolver';
import { PayoutService } from './payout/payout.service';
import {
  PlatformStatsBucket,
  PlatformStatsBucketResolver,
  platformStatsBucketReferences,
} from './platform-stats/platform-stats.resolver';
import { PlatformStatsFiguresService } from './platform-stats/platform-stats.service';
import { seedVendors } from './seed';
import { UserVendorResolver } from './user/user-vendor.resolver';
import { VendorModerationService } from './vendor-account/vendor-moderation.service';
import { Vendor } from './vendor-account/vendor.entity';
import { vendorReferences } from './vendor-account/vendor.reference';
import { VendorResolver } from './vendor-account/vendor.resolver';
import { VendorService } from './vendor-account/vendor.service';

export { DEMO_VENDORS } from './seed';
export { VendorStatus } from './vendor-account/vendor.entity';

/** Vendor applications, storefront profiles and their moderation; earnings (the ledger) and payouts. */
export const vendorSubgraph: SubgraphModule<VendorConfig> = {
  name: 'vendor',
  defaultPort: 4006,
  entities: [Vendor],
  // Reached only through the gateway (`_entities`): nothing here returns one.
  orphanedTypes: [PlatformStatsBucket],
  migrations: [
    CreateVendors1763780000000,
    CreateLedger1763810000000,
    PayoutIdempotency1796500000000,
    LedgerRollups1800700000000,
  ],
  resolvers: [
    VendorResolver,
    UserVendorResolver,
    VendorLedgerResolver,
    LedgerEntryResolver,
    TopProductResolver,
    PayoutResolver,
    VendorPayoutsResolver,
    PlatformStatsBucketResolver,
  ],
  readSettings: readVendorConfig,
  wire({ db, outbox, changes, log }, settings) {
    const announce = publicDataAnnouncer(changes, log);
    const vendors = new VendorService(db, settings, outbox, announce);
    const moderation = new VendorModerationService(db, outbox, announce);
    const ledger = new LedgerService(db, settings);
    const payouts = new PayoutService(db, vendors);
    return {
      resolvers: [
        new VendorResolver(vendors, moderation),
        new UserVendorResolver(vendors),
        new VendorLedgerResolver(ledger, new LedgerStatsService(db, ledger), vendors),
        new LedgerEntryResolver(payouts),
        new TopProductResolver(),
        new PayoutResolver(payouts, vendors),
        new VendorPayoutsResolver(payouts, vendors),
        new PlatformStatsBucketResolver(new PlatformStatsFiguresService(db)),
      ],
      references: {
        ...vendorReferences(vendors),
        ...payoutReferences(payouts),
        ...entityStubReferences,
        ...platformStatsBucketReferences,
      },
      handlers: ledgerHandlers(ledger),
      seed: () => seedVendors(db, outbox, settings),
    };
  },
};
