import {
  AccessTokenSigner,
  buildGatewaySigner,
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
import { apiKeyGrantRoutes } from './api-key/api-key-grant.routes';
import { ApiKeyResolver } from './api-key/api-key.resolver';
import { ApiKeyService } from './api-key/api-key.service';
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
import { SocialLogin1802500000000 } from './migrations/1802500000000-social-login';
import { OAuthRequests } from './oidc/oauth-requests';
import { readSocialLoginConfig } from './oidc/oidc.config';
import { SocialLoginResolver, UserSignInMethodsResolver } from './oidc/oidc.resolver';
import { SocialIdentities } from './oidc/social-identities';
import { SocialLinkService } from './oidc/social-link.service';
import { SocialLoginService } from './oidc/social-login.service';
import { TwoFactor1802600000000 } from './migrations/1802600000000-two-factor';
import { Sessions1802700000000 } from './migrations/1802700000000-sessions';
import { ApiKeys1802800000000 } from './migrations/1802800000000-api-keys';
import { Passkeys1803000000000 } from './migrations/1803000000000-passkeys';
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
import { DeviceSessionService } from './session/device-session.service';
import { SessionResolver } from './session/session.resolver';
import { User } from './user/user.entity';
import { grantVendorRole, sendVerificationEmail } from './user/user.handlers';
import { userReferences } from './user/user.reference';
import { UserResolver } from './user/user.resolver';
import { UserService } from './user/user.service';
import { UserSuspensionFieldsResolver, UserSuspensionResolver } from './user/user-suspension.resolver';
import { UserSuspensionService } from './user/user-suspension.service';
import { wireTwoFactor } from './two-factor/two-factor.wiring';
import { wirePasskeys } from './passkey/passkey.wiring';
import { PasskeyResolver } from './passkey/passkey.resolver';
import { TwoFactorResolver, UserTwoFactorResolver } from './two-factor/two-factor.resolver';

export { DEMO_PASSWORD, DEMO_USERS } from './seed';
export { PasswordHasher } from './auth/password-hasher';
/** RFC 6238 codes, for the end-to-end tests' authenticator app. */
export { Totp } from './two-factor/totp';

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
    SocialLogin1802500000000,
    TwoFactor1802600000000,
    Sessions1802700000000,
    ApiKeys1802800000000,
    Passkeys1803000000000,
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
    SocialLoginResolver,
    UserSignInMethodsResolver,
    SessionResolver,
    TwoFactorResolver,
    UserTwoFactorResolver,
    PasskeyResolver,
    ApiKeyResolver,
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
    const tokenSigner = new AccessTokenSigner(keys.privateKeyPem, config.jwt);
    const sessions = new SessionService(
      db,
      tokenSigner,
      settings.refreshTokenTtlDays,
      log,
      { versions: sessionVersions, afterCommit },
      outbox,
    );
    const users = new UserService(db, emails, sessions, outbox, publicDataAnnouncer(changes, log));
    const suspensions = new UserSuspensionService(db, users, sessions, outbox);
    const loginWindowMs = settings.login.windowMinutes * MINUTE_MS;
    const twoFactor = wireTwoFactor(env, { db, users, sessions, store, outbox, emails });
    const passkeys = wirePasskeys(env, {
      db,
      users,
      sessions,
      outbox,
      emails,
      factors: twoFactor.store,
      challenges: twoFactor.challenges,
      appUrl: settings.appUrl,
    });
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
      twoFactor.challenges,
    );
    const socialLoginConfig = readSocialLoginConfig(env);
    const socialLogin = new SocialLoginService(
      db,
      users,
      sessions,
      outbox,
      socialLoginConfig,
      new OAuthRequests({
        requestSeconds: socialLoginConfig.requestTtlSeconds,
        linkSeconds: socialLoginConfig.linkTtlSeconds,
      }),
      new SocialIdentities(outbox),
      new RateLimiter(store, { name: 'oauth-start', limit: socialLoginConfig.startsPerIpPerHour, windowMs: HOUR_MS }),
      twoFactor.challenges,
    );
    const socialLinks = new SocialLinkService(
      db,
      socialLogin,
      users,
      hasher,
      sessions,
      new RateLimiter(store, {
        name: 'oauth-link-password',
        limit: settings.maxCurrentPasswordFailures,
        windowMs: loginWindowMs,
      }),
      twoFactor.store,
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
    const apiKeys = new ApiKeyService(db, tokenSigner, sessionVersions, outbox, log);
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
        new SocialLoginResolver(socialLogin, socialLinks),
        new UserSignInMethodsResolver(socialLinks, users),
        new SessionResolver(new DeviceSessionService(db, sessions, outbox)),
        ...twoFactor.resolvers,
        ...passkeys.resolvers,
        new ApiKeyResolver(apiKeys),
      ],
      references: { ...userReferences(users), ...platformStatsBucketReferences },
      routes: (app) => {
        dataExportRoutes(
          dataExports,
          new AccessTokenVerifier(keys.publicKeyPem, config.jwt, sessionVersions),
          log,
        )(app);
        mediaRoutes(avatars.library, log)(app);
        apiKeyGrantRoutes(apiKeys, buildGatewaySigner(config), log)(app);
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
