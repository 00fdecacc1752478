import {
  LocalDirectoryStorage,
  RateLimiter,
  SubgraphModule,
  UrlTokenSigner,
  noteSigningKeyInUse,
} from '@marketplace/kit';
import { ActivationService } from './activation/activation.service';
import { LicensingConfig, readLicensingConfig } from './config';
import { downloadRoutes } from './download/download.routes';
import { DownloadService } from './download/download.service';
import { licenseDisputeHandlers } from './dispute/license-dispute.handlers';
import { LicenseDisputeService } from './dispute/license-dispute.service';
import { entityStubReferences } from './entity-stubs';
import { PublicKeyResolver, publicKeyOf, publicKeyRoutes } from './key/public-key';
import { licenseHandlers } from './license/license.handlers';
import { licenseReferences } from './license/license.reference';
import { LicenseResolver } from './license/license.resolver';
import { LicenseService } from './license/license.service';
import { LicenseStore } from './license/license.store';
import { CreateLicensing1763810000000 } from './migrations/1763810000000-create-licensing';
import { LicenseDisputes1800300000000 } from './migrations/1800300000000-license-disputes';
import { CreateLicensingSigningKeys1800500000000 } from './migrations/1800500000000-create-signing-keys';
import { OrderLicensesResolver } from './order/order-licenses.resolver';
import { ProductViewerLicenseResolver } from './product/product-viewer-license.resolver';
import { productReplicaHandlers } from './product-replica/product-replica.handlers';
import { ProductReplicaService } from './product-replica/product-replica.service';
import { UserLicensesResolver } from './user/user-licenses.resolver';
import { ErasedUsers1800800000000 } from './migrations/1800800000000-erased-users';
import { RefundedOrderLines1801800000000 } from './migrations/1801800000000-refunded-order-lines';
import { licensePrivacyHandlers } from './privacy/privacy.handlers';

export { LicensingConfig, readLicensingConfig } from './config';
export { LicenseKeyPayload, signLicenseKey, verifyLicenseKey } from './key/license-key';

const VALIDATE_WINDOW_MS = 60_000;

/** What the license signing key is called in `signing_keys` and the audit trail. */
export const LICENSE_KEY_PURPOSE = 'license-keys';

/** Ed25519-signed license keys per paid order line, activation limits, public validation and signed downloads. */
export const licensingSubgraph: SubgraphModule<LicensingConfig> = {
  name: 'licensing',
  defaultPort: 4005,
  entities: [],
  migrations: [
    CreateLicensing1763810000000,
    LicenseDisputes1800300000000,
    CreateLicensingSigningKeys1800500000000,
    ErasedUsers1800800000000,
    RefundedOrderLines1801800000000,
  ],
  resolvers: [
    LicenseResolver,
    OrderLicensesResolver,
    UserLicensesResolver,
    ProductViewerLicenseResolver,
    PublicKeyResolver,
  ],
  readSettings: readLicensingConfig,
  wire({ db, outbox, store, log }, settings) {
    const products = new ProductReplicaService();
    const licenseStore = new LicenseStore();
    const licenses = new LicenseService(db, licenseStore, products, outbox, settings.signingKey, settings);
    const validateLimiter = new RateLimiter(store, {
      name: 'license-validate-ip',
      limit: settings.validatePerMinute,
      windowMs: VALIDATE_WINDOW_MS,
    });
    const activations = new ActivationService(db, licenseStore, settings.signingKey, validateLimiter);
    const storage = new LocalDirectoryStorage(settings.storageDir);
    const downloads = new DownloadService(
      db,
      licenseStore,
      products,
      storage,
      new UrlTokenSigner(settings.urlSigningSecret),
      settings,
      outbox,
    );
    const publicKey = publicKeyOf(settings.signingKey);
    log.info({ keyId: publicKey.keyId }, 'license signing key loaded');
    return {
      resolvers: [
        new LicenseResolver(licenses, activations, downloads),
        new OrderLicensesResolver(licenses),
        new UserLicensesResolver(licenses),
        new ProductViewerLicenseResolver(licenses),
        new PublicKeyResolver(publicKey),
      ],
      references: { ...licenseReferences(licenses), ...entityStubReferences },
      routes: (app) => {
        publicKeyRoutes(publicKey)(app);
        downloadRoutes(downloads, log)(app);
      },
      handlers: [
        ...licenseHandlers(licenses),
        ...licenseDisputeHandlers(new LicenseDisputeService(licenses)),
        ...productReplicaHandlers(products),
        ...licensePrivacyHandlers(),
      ],
      // A start with another LICENSE_SIGNING_KEY than the last one is a rotation: audited (KEY_ROTATED).
      start: async () => {
        await noteSigningKeyInUse(db, outbox, log, { purpose: LICENSE_KEY_PURPOSE, keyId: publicKey.keyId });
      },
    };
  },
};
