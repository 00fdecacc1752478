import { AccessTokenSigner, RateLimiter, SubgraphModule, publicDataAnnouncer } from '@marketplace/kit';
import { AccountEmails } from './auth/account-emails';
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
import {
  PlatformStatsBucket,
  PlatformStatsBucketResolver,
  platformStatsBucketReferences,
} from './platform-stats/platform-stats.resolver';
import { NewUsersService } from './platform-stats/platform-stats.service';
import { seedUsers } from './seed';
import { User } from './user/user.entity';
import { grantVendorRole, sendVerificationEmail } from './user/user.handlers';
import { userReferences } from './user/user.reference';
import { UserResolver } from './user/user.resolver';
import { UserService } from './user/user.service';

export { DEMO_PASSWORD, DEMO_USERS } from './seed';
export { PasswordHasher } from './auth/password-hasher';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Accounts, sessions and roles. The only signer of access tokens. */
export const usersSubgraph: SubgraphModule<UsersConfig> = {
  name: 'users',
  defaultPort: 4001,
  entities: [User],
  // Reached only through the gateway (`_entities`): nothing here returns one.
  orphanedTypes: [PlatformStatsBucket],
  migrations: [CreateUsers1763770000000, AddSessionVersion1765000000000],
  resolvers: [UserResolver, AuthResolver, PlatformStatsBucketResolver],
  schemaExtension: nodeSchema,
  readSettings: readUsersConfig,
  wire({ config, keys, sessions: sessionVersions, db, store, log, outbox, changes, afterCommit }, settings) {
    if (!keys.privateKeyPem)
      throw new Error('config: JWT_PRIVATE_KEY is required by the users subgraph (it signs access tokens)');
    const hasher = new PasswordHasher(settings.passwordHashCost);
    const emails = new AccountEmails(
      new EmailTokenService(),
      logMailer(config.environment, log, settings.copyMailTo),
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
    const users = new UserService(db, emails, sessions, publicDataAnnouncer(changes, log));
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
    return {
      resolvers: [
        new UserResolver(users),
        new AuthResolver(auth),
        new PlatformStatsBucketResolver(new NewUsersService(db)),
      ],
      references: { ...userReferences(users), ...platformStatsBucketReferences },
      handlers: [sendVerificationEmail(emails), grantVendorRole],
      seed: () => seedUsers(db, hasher, settings),
    };
  },
};
