import { EnvReader, KeyValueStore, Outbox } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { LoginThrottle } from '../auth/login-throttle';
import type { AccountEmails } from '../auth/account-emails';
import type { SessionService } from '../auth/session.service';
import type { UserService } from '../user/user.service';
import { AuthenticatorStore } from './authenticator.store';
import { CodeAttempts } from './code-attempts';
import { SecretBox } from './secret-box';
import { readTwoFactorConfig } from './two-factor.config';
import { TwoFactorChallenges } from './two-factor-challenges';
import { TwoFactorResetService } from './two-factor-reset.service';
import { TwoFactorResolver, UserTwoFactorResolver } from './two-factor.resolver';
import { TwoFactorService } from './two-factor.service';

/** Two-factor's parts, built from the environment and the users subgraph's own services. */
export function wireTwoFactor(
  env: EnvReader,
  deps: {
    db: DataSource;
    users: UserService;
    sessions: SessionService;
    store: KeyValueStore;
    outbox: Outbox;
    emails: AccountEmails;
  },
) {
  const config = readTwoFactorConfig(env);
  const store = new AuthenticatorStore(new SecretBox(config.masterKey));
  // One count per user for every place a code is typed (enrollment, disabling, sign-in).
  const attempts = new CodeAttempts(
    new LoginThrottle(deps.store, {
      name: 'two-factor',
      freeFailures: config.freeFailuresPerUser,
      backoffBaseSeconds: config.backoffBaseSeconds,
      windowMs: config.failureWindowMs,
    }),
    config.freeFailuresPerUser,
  );
  const service = new TwoFactorService(
    deps.db,
    deps.users,
    deps.sessions,
    store,
    attempts,
    deps.outbox,
    deps.emails,
    config.issuer,
  );
  const challenges = new TwoFactorChallenges(deps.db, deps.users, deps.sessions, store, attempts, deps.outbox, {
    ttlSeconds: config.challengeTtlSeconds,
    attemptsPerChallenge: config.attemptsPerChallenge,
  });
  const resets = new TwoFactorResetService(deps.db, deps.users, deps.sessions, attempts, deps.outbox, deps.emails);
  return {
    store,
    challenges,
    resolvers: [new TwoFactorResolver(service, challenges, resets), new UserTwoFactorResolver(service)],
  };
}
