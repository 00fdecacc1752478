import {
  AccessTokenSigner,
  AccessTokenVerifier,
  LocalDirectoryStorage,
  RateLimiter,
  SubgraphModule,
  UrlTokenSigner,
  createMailDelivery,
  mediaRoutes,
  noteSigningKeyInUse,
  publicDataAnnouncer,
  readMediaLibraryOptions,
  signingKeyId,
} from '@marketplace/kit';
import { AccountEmails } from './auth/account-emails';
import { Avatar } from './avatar/avatar.entity';
import { AvatarResolver, UserAvatarResolver } from './avatar/avatar.resolver';
import { AvatarService } from './avatar/avatar.service';
import { AuthResolver } from './auth/auth.resolver';
import { AuthService } from './auth/auth.service';
import { EmailTokenService } from './auth/email-token.service';
import { LoginThrottle } from './auth/login-throttle';
import { logMailer } from './auth/mailer';
import { PasswordHasher } from './auth/password-hasher';
import { SessionService } from './auth/session.service';
import { UsersConfig, readUsersConfig } from './config';
import { nodeSchema } from './node/node.schema';
import { CreateUsers1763770000000 } from './migrations/1763770000000-create-users';
import { AddSessionVersion1765000000000 } from './migrations/1765000000000-add-session-version';
import { CreateUsersSigningKeys1800500000000 } from './migrations/1800500000000-create-signing-keys';
import { UserSuspension1800100000000 } from './migrations/1800100000000-user-suspension';
import { Privacy1800800000000 } from './migrations/1800800000000-privacy';
import { MailOutbox1801100000000 } from './migrations/1801100000000-mail-outbox';
import { UserAvatars1801200000001 } from './migrations/1801200000001-user-avatars';
import {
  PlatformStatsBucket,
  PlatformStatsBucketResolver,
  platformStatsBucketReferences,
} from './platform-stats/platform-stats.resolver';
import { NewUsersService } from './platform-stats/platform-stats.service';
import { dataExportRoutes } from './privacy/data-export.routes';
import { DataExportService } from './privacy/data-export.service';
import { ErasureService } from './privacy/erasure.service';
import { readPrivacyConfig } from './privacy/privacy.config';
import { collectDataExportPart } from './privacy/privacy.handlers';
import { PrivacyResolver } from './privacy/privacy.resolver';
import { seedUsers } from './seed';
import { User } from './user/user.entity';
import { grantVendorRole, sendVerificationEmail } from './user/user.handlers';
import { userReferences } from './user/user.reference';
import { UserResolver } from './user/user.resolver';
import { UserService } from './user/user.service';
import { UserSuspensionFieldsResolver, UserSuspensionResolver } from './user/user-suspension.resolver';
import { UserSuspensionService } from './user/user-suspension.service';

export { DEMO_PASSWORD, DEMO_USERS } from './seed';
export { PasswordHasher } from './auth/password-hasher';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** What the access tokens' signing key is called in `signing_keys` and the audit trail. */
export const ACCESS_TOKEN_KEY_PURPOSE = 'access-tokens';

/** Accounts, sessions and roles. The only signer of access tokens. */
export const usersSubgraph: SubgraphModule<UsersConfig> = {
  name: 'users',
  defaultPort: 4001,
  entities: [User, Avatar],
  // Reached only through the gateway (`_entities`): nothing here returns one.
  orphanedTypes: [PlatformStatsBucket],
  migrations: [
    CreateUsers1763770000000,
    AddSessionVersion1765000000000,
    UserSuspension1800100000000,
    CreateUsersSigningKeys1800500000000,
    Privacy1800800000000,
    MailOutbox1801100000000,
    UserAvatars1801200000001,
  ],
  resolvers: [
    UserResolver,
    AuthResolver,
    UserSuspensionResolver,
    UserSuspensionFieldsResolver,
    PrivacyResolver,
    PlatformStatsBucketResolver,
    AvatarResolver,
    UserAvatarResolver,
  ],
  schemaExtension: nodeSchema,
  readSettings: readUsersConfig,
  wire(
    { env, config, keys, sessions: sessionVersions, db, store, log, outbox, changes, afterCommit, metrics },
    settings,
  ) {
    if (!keys.privateKeyPem)
      throw new Error('config: JWT_PRIVATE_KEY is required by the users subgraph (it signs access tokens)');
    const hasher = new PasswordHasher(settings.passwordHashCost);
    const mail = createMailDelivery(
      { db, afterCommit, log, metrics, development: config.environment === 'development' },
      settings.mail,
      settings.delivery,
    );
    const emails = new AccountEmails(
      new EmailTokenService(),
      logMailer(config.environment, log, settings.copyMailTo),
      mail.outbox,
      afterCommit,
      settings,
      log,
    );
    const sessions = new SessionService(
      db,
      new AccessTokenSigner(keys.privateKeyPem, config.jwt),
      settings.refreshTokenTtlDays,
      log,
      { versions: sessionVersions, afterCommit },
    );
    const users = new UserService(db, emails, sessions, outbox, publicDataAnnouncer(changes, log));
    const suspensions = new UserSuspensionService(db, users, sessions, outbox);
    const loginWindowMs = settings.login.windowMinutes * MINUTE_MS;
    const auth = new AuthService(
      db,
      users,
      hasher,
      sessions,
      new EmailTokenService(),
      emails,
      {
        loginPerAccountAndIp: new LoginThrottle(store, {
          freeFailures: settings.login.freeFailuresPerAccountAndIp,
          backoffBaseSeconds: settings.login.backoffBaseSeconds,
          windowMs: loginWindowMs,
        }),
        loginPerAccount: new RateLimiter(store, {
          name: 'login-account',
          limit: settings.login.maxAttemptsPerAccount,
          windowMs: loginWindowMs,
        }),
        currentPasswordChecks: new RateLimiter(store, {
          name: 'current-password',
          limit: settings.maxCurrentPasswordFailures,
          windowMs: loginWindowMs,
        }),
        loginFailuresPerIp: new RateLimiter(store, {
          name: 'login-ip',
          limit: settings.login.maxAttemptsPerIp,
          windowMs: loginWindowMs,
        }),
        registrationsPerIp: new RateLimiter(store, {
          name: 'register-ip',
          limit: settings.registrationsPerIpPerHour,
          windowMs: HOUR_MS,
        }),
        passwordResetsPerEmail: new RateLimiter(store, {
          name: 'password-reset',
          limit: settings.passwordResetRequestsPerHour,
          windowMs: HOUR_MS,
        }),
      },
      outbox,
    );
    const privacy = readPrivacyConfig(env);
    const dataExports = new DataExportService(
      db,
      outbox,
      new LocalDirectoryStorage(privacy.storageDir),
      new UrlTokenSigner(privacy.urlSigningSecret),
      afterCommit,
      privacy,
    );
    const avatars = new AvatarService(
      db,
      readMediaLibraryOptions(env),
      outbox,
      afterCommit,
      log,
      publicDataAnnouncer(changes, log),
    );
    const erasure = new ErasureService(
      db,
      users,
      hasher,
      sessions,
      dataExports,
      avatars,
      outbox,
      new RateLimiter(store, {
        name: 'delete-account-password',
        limit: settings.maxCurrentPasswordFailures,
        windowMs: loginWindowMs,
      }),
      publicDataAnnouncer(changes, log),
    );
    return {
      resolvers: [
        new UserResolver(users),
        new AuthResolver(auth),
        new UserSuspensionResolver(suspensions, users),
        new UserSuspensionFieldsResolver(users),
        new PrivacyResolver(dataExports, erasure),
        new PlatformStatsBucketResolver(new NewUsersService(db)),
        new AvatarResolver(avatars),
        new UserAvatarResolver(avatars, users),
      ],
      references: { ...userReferences(users), ...platformStatsBucketReferences },
      routes: (app) => {
        dataExportRoutes(
          dataExports,
          new AccessTokenVerifier(keys.publicKeyPem, config.jwt, sessionVersions),
          log,
        )(app);
        mediaRoutes(avatars.library, log)(app);
      },
      handlers: [sendVerificationEmail(emails), grantVendorRole, collectDataExportPart(dataExports)],
      seed: () => seedUsers(db, hasher, settings, outbox),
      // A start with another JWT key than the last one is a rotation: audited (KEY_ROTATED).
      start: async () => {
        mail.start();
        await noteSigningKeyInUse(db, outbox, log, {
          purpose: ACCESS_TOKEN_KEY_PURPOSE,
          keyId: signingKeyId(keys.publicKeyPem),
        });
      },
      close: mail.close,
    };
  },
};
