import { SubgraphModule, mediaRoutes, publicDataAnnouncer, readMediaLibraryOptions } from '@marketplace/kit';
import { VendorConfig, readVendorConfig } from './config';
import { entityStubReferences } from './entity-stubs';
import { vendorDisputeHandlers } from './dispute/vendor-dispute.handlers';
import { VendorDisputeResolver, VendorDisputesResolver } from './dispute/vendor-dispute.resolver';
import { VendorDisputeService } from './dispute/vendor-dispute.service';
import { ledgerHandlers } from './ledger/ledger.handlers';
import { LedgerEntryResolver, TopProductResolver, VendorLedgerResolver } from './ledger/ledger.resolver';
import { LedgerStatsService } from './ledger/ledger-stats.service';
import { LedgerService } from './ledger/ledger.service';
import { CreateVendors1763780000000 } from './migrations/1763780000000-create-vendors';
import { CreateLedger1763810000000 } from './migrations/1763810000000-create-ledger';
import { PayoutIdempotency1796500000000 } from './migrations/1796500000000-payout-idempotency';
import { VendorDisputes1800300000000 } from './migrations/1800300000000-vendor-disputes';
import { ModerationAndCommission1800400000000 } from './migrations/1800400000000-moderation-and-commission';
import { LedgerRollups1800700000000 } from './migrations/1800700000000-ledger-rollups';
import { VendorCommissionResolver } from './commission/commission.resolver';
import { CommissionService } from './commission/commission.service';
import { ModerationQueueResolver } from './moderation-queue/moderation-queue.resolver';
import { ModerationQueueService } from './moderation-queue/moderation-queue.service';
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
import { VendorImage } from './vendor-image/vendor-image.entity';
import { VendorImageResolver, VendorImagesResolver } from './vendor-image/vendor-image.resolver';
import { VendorImageService } from './vendor-image/vendor-image.service';
import { ErasedUsers1800800000000 } from './migrations/1800800000000-erased-users';
import { VendorProfiles1801200000000 } from './migrations/1801200000000-vendor-profiles';
import { vendorPrivacyHandlers } from './privacy/privacy.handlers';

export { DEMO_VENDORS } from './seed';
export { VendorStatus } from './vendor-account/vendor.entity';

/** Vendor applications, storefront profiles and their moderation; earnings (the ledger) and payouts. */
export const vendorSubgraph: SubgraphModule<VendorConfig> = {
  name: 'vendor',
  defaultPort: 4006,
  entities: [Vendor, VendorImage],
  // Reached only through the gateway (`_entities`): nothing here returns one.
  orphanedTypes: [PlatformStatsBucket],
  migrations: [
    CreateVendors1763780000000,
    CreateLedger1763810000000,
    PayoutIdempotency1796500000000,
    VendorDisputes1800300000000,
    ModerationAndCommission1800400000000,
    LedgerRollups1800700000000,
    ErasedUsers1800800000000,
    VendorProfiles1801200000000,
  ],
  resolvers: [
    VendorResolver,
    UserVendorResolver,
    VendorLedgerResolver,
    LedgerEntryResolver,
    TopProductResolver,
    PayoutResolver,
    VendorPayoutsResolver,
    VendorDisputesResolver,
    VendorDisputeResolver,
    VendorCommissionResolver,
    ModerationQueueResolver,
    PlatformStatsBucketResolver,
    VendorImageResolver,
    VendorImagesResolver,
  ],
  readSettings: readVendorConfig,
  wire({ env, db, outbox, changes, afterCommit, log }, settings) {
    const announce = publicDataAnnouncer(changes, log);
    const vendors = new VendorService(db, settings, outbox, announce);
    const moderation = new VendorModerationService(db, outbox, announce);
    const ledger = new LedgerService(db, settings);
    const payouts = new PayoutService(db, vendors, outbox);
    const disputes = new VendorDisputeService(db, ledger);
    const images = new VendorImageService(
      db,
      vendors,
      readMediaLibraryOptions(env),
      outbox,
      afterCommit,
      log,
      announce,
    );
    return {
      resolvers: [
        new VendorResolver(vendors, moderation),
        new UserVendorResolver(vendors),
        new VendorLedgerResolver(ledger, new LedgerStatsService(db, ledger), vendors),
        new LedgerEntryResolver(payouts),
        new TopProductResolver(),
        new PayoutResolver(payouts, vendors),
        new VendorPayoutsResolver(payouts, vendors),
        new VendorDisputesResolver(disputes, vendors),
        new VendorDisputeResolver(),
        new VendorCommissionResolver(new CommissionService(db, outbox, announce), vendors),
        new ModerationQueueResolver(new ModerationQueueService(db)),
        new PlatformStatsBucketResolver(new PlatformStatsFiguresService(db)),
        new VendorImageResolver(images),
        new VendorImagesResolver(images),
      ],
      references: {
        ...vendorReferences(vendors),
        ...payoutReferences(payouts),
        ...entityStubReferences,
        ...platformStatsBucketReferences,
      },
      handlers: [...ledgerHandlers(ledger), ...vendorDisputeHandlers(disputes), ...vendorPrivacyHandlers(images)],
      routes: mediaRoutes(images.library, log),
      seed: () => seedVendors(db, outbox, settings),
    };
  },
};
