import { Envelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import { startUsers } from '../../testing';
import {
  CLIENT,
  IdentityProviders,
  ProviderRedirect,
  REDIRECT_URI,
  accountAt,
  signInAtProvider,
  startIdentityProviders,
} from './identity-provider';

export { REDIRECT_URI, accountAt, signInAtProvider };

/** A users subgraph with two social providers: `acme` (OpenID Connect) and `github` (GitHub-shaped OAuth 2.0). */
export async function startSocialUsers(): Promise<{ users: TestSubgraph; idp: IdentityProviders }> {
  const idp = await startIdentityProviders();
  const users = await startUsers({
    OIDC_PROVIDERS: 'acme,github',
    OIDC_REDIRECT_URIS: REDIRECT_URI,
    OIDC_ACME_ISSUER: idp.oidc,
    OIDC_ACME_DISPLAY_NAME: 'Acme ID',
    OIDC_ACME_CLIENT_ID: CLIENT.clientId,
    OIDC_ACME_CLIENT_SECRET: CLIENT.clientSecret,
    OIDC_GITHUB_ISSUER: idp.github,
    OIDC_GITHUB_API_URL: `${idp.github}/api`,
    OIDC_GITHUB_CLIENT_ID: CLIENT.clientId,
    OIDC_GITHUB_CLIENT_SECRET: CLIENT.clientSecret,
    OIDC_STARTS_PER_IP_PER_HOUR: '1000',
  });
  return { users, idp };
}

const SESSION_FIELDS = 'accessToken refreshToken expiresIn user { id email emailVerified displayName }';
export const START = `mutation($input: StartOAuthLoginInput!) { startOAuthLogin(input: $input) { authorizationUrl state } }`;
const CHALLENGE_FIELDS = 'twoFactorChallenge { token expiresAt methods }';
export const COMPLETE = `mutation($input: CompleteOAuthLoginInput!) {
  completeOAuthLogin(input: $input) { outcome linkToken email ${SESSION_FIELDS} ${CHALLENGE_FIELDS} }
}`;
export const LINK = `mutation($input: LinkOAuthProviderInput!) {
  linkOAuthProvider(input: $input) {
    user { id email emailVerified } socialAccount { provider email } accessToken refreshToken expiresIn
  }
}`;
export const UNLINK = `mutation($p: String!) { unlinkOAuthProvider(input: { provider: $p }) { user { id } provider } }`;
export const METHODS = `{ me { signInMethods { hasPassword socialAccounts { provider email lastUsedAt } } } }`;

export interface CompletedLogin {
  outcome: 'SIGNED_IN' | 'ACCOUNT_CREATED' | 'LINK_REQUIRED' | 'TWO_FACTOR_REQUIRED';
  linkToken: string | null;
  email: string | null;
  accessToken: string | null;
  refreshToken: string | null;
  expiresIn: number | null;
  user: { id: string; email: string; emailVerified: boolean; displayName: string } | null;
  twoFactorChallenge: { token: string; expiresAt: string; methods: string[] } | null;
}

let ipCounter = 0;
/** A fresh client address per start, so no test meets another's rate limit. */
function nextIp(): string {
  ipCounter += 1;
  return `10.60.${Math.floor(ipCounter / 250)}.${ipCounter % 250}`;
}

export async function startLogin(
  users: TestSubgraph,
  provider: string,
  options: { token?: string; link?: boolean } = {},
): Promise<{ authorizationUrl: string; state: string }> {
  const data = await users.client.data<{ startOAuthLogin: { authorizationUrl: string; state: string } }>(START, {
    variables: { input: { provider, redirectUri: REDIRECT_URI, link: options.link ?? false } },
    token: options.token,
    headers: { 'x-client-ip': nextIp() },
  });
  return data.startOAuthLogin;
}

export function complete(users: TestSubgraph, provider: string, redirect: ProviderRedirect) {
  return users.client.request<{ completeOAuthLogin: CompletedLogin | null }>(COMPLETE, {
    variables: { input: { provider, ...redirect } },
  });
}

/** The whole redirect flow at `provider` as `account`, up to the provider's redirect back. */
export async function authorize(
  users: TestSubgraph,
  provider: string,
  account: string,
  options: { token?: string; link?: boolean } = {},
): Promise<ProviderRedirect> {
  const started = await startLogin(users, provider, options);
  return signInAtProvider(started.authorizationUrl, account);
}

/** The whole flow, answered by `completeOAuthLogin`; fails the test on an error. */
export async function socialSignIn(users: TestSubgraph, provider: string, account: string): Promise<CompletedLogin> {
  const result = await complete(users, provider, await authorize(users, provider, account));
  if (!result.data?.completeOAuthLogin) throw new Error(`social sign-in failed: ${JSON.stringify(result.errors)}`);
  return result.data.completeOAuthLogin;
}

let subjectCounter = 0;
/** A provider subject no other test uses (numeric, as GitHub's user ids are). */
export function newSubject(): string {
  subjectCounter += 1;
  return `${process.pid}${Date.now() % 1_000_000}${subjectCounter}`;
}

/** The audit records of `action` about the user, oldest first. */
export async function auditOf(users: TestSubgraph, action: string, userId: string) {
  const rows = await queryRows<{ envelope: Envelope<Record<string, unknown>> }>(
    users.subgraph.deps.db,
    `SELECT envelope FROM outbox WHERE type = 'audit.recorded'
       AND envelope->'payload'->>'action' = $1 AND envelope->'payload'->>'targetId' = $2 ORDER BY position`,
    [action, uuidOf(userId)],
  );
  return rows.map((row) => row.envelope.payload);
}

export async function linkCount(users: TestSubgraph, userId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    users.subgraph.deps.db,
    `SELECT count(*)::int AS n FROM oauth_identities WHERE user_id = $1`,
    [uuidOf(userId)],
  );
  return row.n;
}
