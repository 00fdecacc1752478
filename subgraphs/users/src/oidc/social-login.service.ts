import { Events, Outbox, RateLimiter, RequestContext, Role, badInput, conflict, requireViewer } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { Session } from '../auth/auth.payloads';
import { SecondFactorGate, refuseIfSuspended, signedIn } from '../auth/auth.service';
import { SessionService, clientOf } from '../auth/session.service';
import type { TwoFactorChallenge } from '../two-factor/two-factor.payloads';
import { User } from '../user/user.entity';
import type { UserService } from '../user/user.service';
import { DISPLAY_NAME_MAX_LENGTH, normalizeEmail } from '../user/user.validation';
import type { SocialLoginConfig } from './oidc.config';
import { OAuthRequests, PendingRequest } from './oauth-requests';
import { SocialIdentities } from './social-identities';
import { ProviderIdentity, ProviderRefusal, SocialProvider } from './social-providers';

/** What `completeOAuthLogin` did. */
export enum SocialLoginOutcome {
  SIGNED_IN = 'SIGNED_IN',
  ACCOUNT_CREATED = 'ACCOUNT_CREATED',
  LINK_REQUIRED = 'LINK_REQUIRED',
  TWO_FACTOR_REQUIRED = 'TWO_FACTOR_REQUIRED',
}

/** The redirect's parameters. */
export interface ProviderAnswer {
  provider: string;
  code: string;
  state: string;
  iss?: string | null;
}

export interface SocialLoginResult {
  outcome: SocialLoginOutcome;
  session: Session | null;
  /** LINK_REQUIRED: what `linkOAuthProvider` takes with the account's password. */
  linkToken: string | null;
  email: string | null;
  /** TWO_FACTOR_REQUIRED: what `verifyTwoFactor` completes into the session (there is none yet). */
  twoFactorChallenge: TwoFactorChallenge | null;
}

/**
 * Sign-in with an OpenID Connect (or GitHub OAuth) provider: starts authorization requests
 * and finishes them into a session, an account, or a link the account's owner must confirm.
 */
export class SocialLoginService {
  private readonly providers: Map<string, SocialProvider>;

  constructor(
    private readonly db: DataSource,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly outbox: Outbox,
    readonly config: SocialLoginConfig,
    readonly requests: OAuthRequests,
    readonly identities: SocialIdentities,
    private readonly startsPerIp: RateLimiter,
    // Not optional (unlike AuthService's): a social service built without it would sign enrolled users in on one factor.
    private readonly secondFactor: SecondFactorGate,
  ) {
    this.providers = new Map(config.providers.map((provider) => [provider.name, new SocialProvider(provider)]));
  }

  list(): { name: string; displayName: string }[] {
    return this.config.providers.map(({ name, displayName }) => ({ name, displayName }));
  }

  /** `forLink`: a signed-in user links the provider to their account (finished by `linkOAuthProvider`). */
  async start(
    context: RequestContext,
    input: { provider: string; redirectUri: string; forLink: boolean },
  ): Promise<{ authorizationUrl: string; state: string }> {
    const provider = this.provider(input.provider);
    // Exact match only: a prefix or host match would let a crafted path or query carry the code away.
    if (!this.config.redirectUris.includes(input.redirectUri))
      throw badInput([{ field: 'input.redirectUri', message: 'is not an allowed redirect URI' }]);
    const linkingUserId = input.forLink ? requireViewer(context).id : null;
    await this.startsPerIp.consume(context.clientIp);
    const pending = await this.db.transaction((manager) =>
      this.requests.open(manager, { provider: provider.config.name, redirectUri: input.redirectUri, linkingUserId }),
    );
    return { authorizationUrl: await provider.authorizationUrl(pending), state: pending.state };
  }

  async complete(context: RequestContext, answer: ProviderAnswer): Promise<SocialLoginResult> {
    const { provider, identity } = await this.redeem(answer, null);
    const found = await this.db.transaction(async (manager): Promise<SocialLoginResult | { ownerId: string }> => {
      const ownerId = await this.identities.owner(manager, provider, identity.subject);
      if (ownerId) {
        // Before a challenge is issued: a suspended account is refused without one.
        refuseIfSuspended(await this.users.lockForUpdate(manager, ownerId));
        return { ownerId };
      }
      const email = verifiedEmail(identity);
      const existing = await manager.getRepository(User).findOneBy({ email });
      if (existing) {
        const linkToken = await this.requests.offerLink(manager, {
          userId: existing.id,
          provider,
          subject: identity.subject,
          email,
        });
        return { ...noSession(SocialLoginOutcome.LINK_REQUIRED), linkToken, email };
      }
      return this.createAccount(manager, context, provider, identity, email);
    });
    const result = 'ownerId' in found ? await this.signInLinked(context, found.ownerId, provider, identity) : found;
    if (result.session) signedIn(context, result.session);
    const userId = 'ownerId' in found ? found.ownerId : result.session?.user.id;
    context.log.info({ provider, outcome: result.outcome, userId }, 'social sign-in');
    return result;
  }

  /**
   * Takes the request the state names (one use, whatever follows) and trades the code at the
   * provider. The state is checked first: an unknown one never reaches the provider.
   */
  async redeem(
    { provider: providerName, code, state, iss }: ProviderAnswer,
    linkingUserId: string | null,
  ): Promise<{ provider: string; identity: ProviderIdentity }> {
    const provider = this.provider(providerName);
    const pending: PendingRequest | null = await this.db.transaction((manager) =>
      this.requests.take(manager, provider.config.name, state, linkingUserId),
    );
    if (!pending) throw badInput([{ field: 'input.state', message: 'is unknown, used or expired' }]);
    try {
      return { provider: provider.config.name, identity: await provider.identify(code, iss ?? null, pending) };
    } catch (error) {
      if (!(error instanceof ProviderRefusal)) throw error;
      throw badInput([{ field: 'input.code', message: `was refused: ${error.message}`.slice(0, 300) }]);
    }
  }

  /**
   * The provider proved an identity linked to the user: a session, or (two-factor on) a challenge
   * that `verifyTwoFactor` completes, as `login` answers after the password. The challenge is
   * issued outside the transaction below: its row references the user, whose row lock that
   * transaction holds.
   */
  private async signInLinked(
    context: RequestContext,
    userId: string,
    provider: string,
    identity: ProviderIdentity,
  ): Promise<SocialLoginResult> {
    const twoFactorChallenge = await this.secondFactor.challengeFor(userId, []);
    const session = await this.db.transaction(async (manager) => {
      // Again under the lock: a suspension since `complete` checked refuses here.
      const user = refuseIfSuspended(await this.users.lockForUpdate(manager, userId));
      // The provider may have verified the address since: a stored email is only ever a verified one.
      await this.identities.used(manager, provider, identity.subject, identity.emailVerified ? identity.email : null);
      await this.identities.audit(manager, context, 'SOCIAL_SIGN_IN', user.id, {
        provider,
        created: false,
        twoFactorChallenge: twoFactorChallenge !== null,
      });
      return twoFactorChallenge ? null : this.sessions.start(manager, user, clientOf(context));
    });
    if (twoFactorChallenge) return { ...noSession(SocialLoginOutcome.TWO_FACTOR_REQUIRED), twoFactorChallenge };
    return { ...noSession(SocialLoginOutcome.SIGNED_IN), session };
  }

  private async createAccount(
    manager: EntityManager,
    context: RequestContext,
    provider: string,
    identity: ProviderIdentity,
    email: string,
  ): Promise<SocialLoginResult> {
    const displayName = cleanName(identity.name) ?? email.split('@')[0].slice(0, DISPLAY_NAME_MAX_LENGTH);
    const user = await this.users.saveUnique(
      manager,
      manager.getRepository(User).create({
        email,
        displayName,
        passwordHash: null,
        role: Role.CUSTOMER,
        emailVerifiedAt: new Date(),
      }),
    );
    await this.outbox.record(
      manager,
      Events.UserRegistered,
      { userId: user.id, email, displayName, role: user.role },
      { aggregateId: user.id, correlationId: context.requestId },
    );
    await manager.query(`INSERT INTO oauth_identities (user_id, provider, subject, email) VALUES ($1, $2, $3, $4)`, [
      user.id,
      provider,
      identity.subject,
      email,
    ]);
    // A new account has no second factor: signed in at once.
    await this.identities.audit(manager, context, 'SOCIAL_SIGN_IN', user.id, {
      provider,
      created: true,
      twoFactorChallenge: false,
    });
    const session = await this.sessions.start(manager, user, clientOf(context));
    return { ...noSession(SocialLoginOutcome.ACCOUNT_CREATED), session };
  }

  private provider(name: string): SocialProvider {
    const provider = this.providers.get(name.trim().toLowerCase());
    if (!provider) throw badInput([{ field: 'input.provider', message: 'is not a configured sign-in provider' }]);
    return provider;
  }
}

function noSession(outcome: SocialLoginOutcome): SocialLoginResult {
  return { outcome, session: null, linkToken: null, email: null, twoFactorChallenge: null };
}

/**
 * An identity not linked yet creates or matches an account by its email only when the provider
 * verified it: an unverified address would let anyone claim someone else's account.
 */
function verifiedEmail(identity: ProviderIdentity): string {
  if (!identity.email || !identity.emailVerified)
    throw conflict(
      'The provider has not verified an email address for this account; verify it there, or sign in another way and link the provider',
      'PROVIDER_EMAIL_UNVERIFIED',
    );
  return normalizeEmail(identity.email);
}

function cleanName(name: string | null): string | null {
  // eslint-disable-next-line no-control-regex
  const cleaned = name?.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return cleaned ? cleaned.slice(0, DISPLAY_NAME_MAX_LENGTH) : null;
}
