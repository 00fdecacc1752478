import type { EnvReader, Outbox } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import type { AccountEmails } from '../auth/account-emails';
import type { SessionService } from '../auth/session.service';
import type { AuthenticatorStore } from '../two-factor/authenticator.store';
import type { TwoFactorChallenges } from '../two-factor/two-factor-challenges';
import type { UserService } from '../user/user.service';
import { readPasskeyConfig } from './passkey.config';
import { PasskeyLoginService } from './passkey-login.service';
import { PasskeyRegistrationService } from './passkey-registration.service';
import { PasskeyResolver } from './passkey.resolver';
import { PasskeyStore } from './passkey.store';

/** Passkeys' parts, built from the environment and two-factor's own (a passkey is a second factor). */
export function wirePasskeys(
  env: EnvReader,
  deps: {
    db: DataSource;
    users: UserService;
    sessions: SessionService;
    outbox: Outbox;
    emails: AccountEmails;
    factors: AuthenticatorStore;
    challenges: TwoFactorChallenges;
    /** The storefront (`APP_URL`), whose domain passkeys are bound to by default. */
    appUrl: string;
  },
) {
  const config = readPasskeyConfig(env, deps.appUrl);
  const store = new PasskeyStore();
  const registration = new PasskeyRegistrationService(
    deps.db,
    deps.users,
    deps.sessions,
    store,
    deps.factors,
    deps.outbox,
    deps.emails,
    config,
  );
  const login = new PasskeyLoginService(deps.db, deps.users, deps.sessions, store, deps.challenges, config);
  return { store, resolvers: [new PasskeyResolver(registration, login)] };
}
