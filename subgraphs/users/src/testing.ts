import { queryRows } from '@marketplace/kit';
import { GraphQLTestClient, TestSubgraph, startTestSubgraph, until, uuidOf } from '@marketplace/kit/testing';
import { usersSubgraph } from './index';
import type { Mail, Mailer } from './auth/mailer';
import { readUsersConfig } from './config';

/** Cheap hashing keeps the suite fast; the cost parameter is covered by its own test. */
export const TEST_ENV = { PASSWORD_HASH_COST: '10' };
export const STRONG_PASSWORD = 'correct horse battery staple';

/** Every mail a test users subgraph sent, tokens included (outside development its log holds none). */
class Mailbox implements Mailer {
  readonly mails: Mail[] = [];

  async send(mail: Mail): Promise<void> {
    this.mails.push(mail);
  }
}

const mailboxes = new WeakMap<TestSubgraph, Mailbox>();

export async function startUsers(env: Record<string, string> = {}): Promise<TestSubgraph> {
  const mailbox = new Mailbox();
  const users = await startTestSubgraph(
    { ...usersSubgraph, readSettings: (reader) => ({ ...readUsersConfig(reader), copyMailTo: mailbox }) },
    { ...TEST_ENV, ...env },
  );
  mailboxes.set(users, mailbox);
  return users;
}

export const AUTH_FIELDS = 'accessToken refreshToken expiresIn user { id email displayName role emailVerified }';
export const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`;
export const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { ${AUTH_FIELDS} } }`;

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; displayName: string; role: string; emailVerified: boolean };
}

let counter = 0;
/** A unique, valid email per call, so tests never collide. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${process.pid}.${Date.now()}.${counter}@example.com`;
}

/** The account mails' subjects with the default `APP_NAME`. */
export const VERIFICATION_SUBJECT = 'Confirm your email address for Marketplace';
export const RESET_SUBJECT = 'Reset your Marketplace password';

/**
 * Registers through the API and waits for the verification mail, which `user.registered`
 * sends through the event backbone (so tests that read it never race the consumer).
 */
export async function register(
  users: TestSubgraph,
  email = uniqueEmail(),
  password = STRONG_PASSWORD,
  displayName = 'Test User',
): Promise<Session> {
  const data = await users.client.data<{ register: Session }>(REGISTER, {
    variables: { input: { email, password, displayName } },
    headers: { 'x-client-ip': `10.0.${counter % 250}.${Math.floor(Math.random() * 250)}` },
  });
  await waitForMail(users, data.register.user.email, VERIFICATION_SUBJECT);
  return data.register;
}

export function waitForMail(users: TestSubgraph, email: string, subject: string, timeoutMs = 10_000) {
  return until(
    () => mailsTo(users, email).find((m) => m.subject === subject),
    `a "${subject}" mail to ${email}`,
    timeoutMs,
  );
}

export async function login(
  client: GraphQLTestClient,
  email: string,
  password = STRONG_PASSWORD,
  clientIp = '10.1.0.1',
) {
  return client.request<{ login: Session }>(LOGIN, {
    variables: { input: { email, password } },
    headers: { 'x-client-ip': clientIp },
  });
}

/** Signs in as the seeded admin (seeding is idempotent). */
export async function loginAsAdmin(users: TestSubgraph): Promise<Session> {
  await users.subgraph.wiring.seed?.();
  const result = await login(users.client, 'admin@marketplace.local', 'admin-password-123', '10.9.9.9');
  if (!result.data) throw new Error(`admin login failed: ${JSON.stringify(result.errors)}`);
  return result.data.login;
}

/** The mails sent to `email` (case as given), in order, as the test harness received them. */
export function mailsTo(users: TestSubgraph, email: string): Mail[] {
  const mailbox = mailboxes.get(users);
  if (!mailbox) throw new Error('mailsTo reads the mails of a users subgraph started with startUsers');
  return mailbox.mails.filter((mail) => mail.to === email);
}

export function tokenFrom(mail: { text: string }): string {
  const match = /token=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match) throw new Error(`no token in mail: ${mail.text}`);
  return match[1];
}

/** Operations whose variables are the input's fields (`t`: a token, `e`: an email, `c`/`n`: passwords). */
export const REFRESH = `mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { ${AUTH_FIELDS} } }`;
export const ME = `{ me { id email displayName role emailVerified } }`;
export const VERIFY = `mutation($t: String!) { verifyEmail(input: { token: $t }) { user { id emailVerified } } }`;
export const LOGOUT = `mutation($t: String!) { logout(input: { refreshToken: $t }) { sessionEnded } }`;
export const CHANGE_PASSWORD = `mutation($c: String!, $n: String!) {
  changePassword(input: { currentPassword: $c, newPassword: $n }) { ${AUTH_FIELDS} }
}`;
export const REQUEST_PASSWORD_RESET = `mutation($e: String!) { requestPasswordReset(input: { email: $e }) { email } }`;
export const RESET_PASSWORD = `mutation($t: String!, $p: String!) {
  resetPassword(input: { token: $t, newPassword: $p }) { user { id email emailVerified } }
}`;
export const SET_USER_ROLE = `mutation($userId: ID!, $role: Role!) {
  setUserRole(input: { userId: $userId, role: $role }) { user { id role } }
}`;

/**
 * A fresh account with `role`, set directly in the database (so tests of `setUserRole` do
 * not depend on it), and a session refreshed so that its access token carries the role.
 */
export async function registerAs(
  users: TestSubgraph,
  role: 'CUSTOMER' | 'VENDOR' | 'ADMIN',
  email = uniqueEmail(role.toLowerCase()),
): Promise<Session> {
  const session = await register(users, email);
  if (role === 'CUSTOMER') return session;
  await users.subgraph.deps.db.query('UPDATE users SET role = $2 WHERE id = $1', [uuidOf(session.user.id), role]);
  return (await users.client.data<{ refreshToken: Session }>(REFRESH, { variables: { t: session.refreshToken } }))
    .refreshToken;
}

export type Who = 'anonymous' | 'customer' | 'vendor' | 'admin';

/** One signed-in account of each role: the seeded admin, a fresh customer and a fresh vendor. */
export interface SignedInRoles {
  admin: Session;
  customer: Session;
  vendor: Session;
}

/** A users subgraph started with one signed-in account of each role. */
export async function startUsersWithRoles(): Promise<{ users: TestSubgraph; roles: SignedInRoles }> {
  const users = await startUsers();
  const admin = await loginAsAdmin(users);
  const customer = await registerAs(users, 'CUSTOMER');
  const vendor = await registerAs(users, 'VENDOR');
  return { users, roles: { admin, customer, vendor } };
}

/** The access token `who` sends: none for an anonymous caller. */
export function tokenOf(roles: SignedInRoles, who: Who): string | undefined {
  return who === 'anonymous' ? undefined : roles[who].accessToken;
}

/** The claims of a JWT, read without verifying it (tests only). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

export { sqlDuring, tokenFor } from '@marketplace/kit/testing';

export {
  CLIENT as OIDC_TEST_CLIENT,
  REDIRECT_URI as OIDC_TEST_REDIRECT_URI,
  accountAt,
  signInAtProvider,
  startIdentityProviders,
} from './oidc/testing/identity-provider';

/** The audit actions recorded about a user, oldest first, as the outbox holds them. */
export async function auditActionsOf(users: TestSubgraph, userId: string): Promise<string[]> {
  const rows = await queryRows<{ action: string }>(
    users.subgraph.deps.db,
    `SELECT envelope->'payload'->>'action' AS action FROM outbox
      WHERE type = 'audit.recorded' AND envelope->'payload'->>'targetId' = $1 ORDER BY position`,
    [uuidOf(userId)],
  );
  return rows.map((row) => row.action);
}
