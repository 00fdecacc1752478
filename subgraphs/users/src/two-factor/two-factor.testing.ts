import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import { AUTH_FIELDS, STRONG_PASSWORD, Session } from '../testing';
import { Totp } from './totp';

export const START = `mutation { startTotpEnrollment { secret otpauthUrl qrCodeSvg qrCodeDataUrl } }`;
export const CONFIRM = `mutation($code: String!) {
  confirmTotpEnrollment(input: { code: $code }) { ${AUTH_FIELDS} recoveryCodes }
}`;
export const DISABLE = `mutation($code: String!) { disableTotp(input: { code: $code }) { ${AUTH_FIELDS} } }`;
export const REGENERATE = `mutation($code: String!) { regenerateRecoveryCodes(input: { code: $code }) { recoveryCodes } }`;
export const VERIFY = `mutation($challenge: String!, $code: String!) {
  verifyTwoFactor(input: { challenge: $challenge, code: $code }) { ${AUTH_FIELDS} }
}`;
export const LOGIN = `mutation($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken expiresIn user { id } twoFactorChallenge { token expiresAt methods } }
}`;

export interface Challenge {
  token: string;
  expiresAt: string;
  methods: string[];
}

export interface Enrolled {
  secret: string;
  recoveryCodes: string[];
  session: Session;
}

/** Turns TOTP on for the session's user, through the API. */
export async function enroll(users: TestSubgraph, session: Session): Promise<Enrolled> {
  const { startTotpEnrollment } = await users.client.data<{ startTotpEnrollment: { secret: string } }>(START, {
    token: session.accessToken,
  });
  const secret = startTotpEnrollment.secret;
  const { confirmTotpEnrollment } = await users.client.data<{
    confirmTotpEnrollment: Session & { recoveryCodes: string[] };
  }>(CONFIRM, { token: session.accessToken, variables: { code: Totp.codeNow(secret) } });
  const { recoveryCodes, ...fresh } = confirmTotpEnrollment;
  return { secret, recoveryCodes, session: fresh };
}

/** The password step of signing in: the challenge it answers (fails if it answered a session). */
export async function challengeOf(users: TestSubgraph, email: string, clientIp = '10.25.0.1'): Promise<Challenge> {
  const { login } = await users.client.data<{ login: { twoFactorChallenge: Challenge | null } }>(LOGIN, {
    variables: { input: { email, password: STRONG_PASSWORD } },
    headers: { 'x-client-ip': clientIp },
  });
  if (!login.twoFactorChallenge) throw new Error(`login of ${email} answered no challenge`);
  return login.twoFactorChallenge;
}

export function verify(users: TestSubgraph, challenge: string, code: string) {
  return users.client.request<{ verifyTwoFactor: Session | null }>(VERIFY, { variables: { challenge, code } });
}

/**
 * A code the server has not accepted yet: tests sign in more often than every 30 s, so the
 * remembered step is cleared first (the replay tests never call this between their two uses).
 */
export async function unusedCode(users: TestSubgraph, userId: string, secret: string): Promise<string> {
  await users.subgraph.deps.db.query(`UPDATE user_totp SET last_time_step = NULL WHERE user_id = $1`, [uuidOf(userId)]);
  return Totp.codeNow(secret);
}

/** Signs in with the password and a TOTP code: a session established with a second factor. */
export async function signInWithTotp(users: TestSubgraph, email: string, userId: string, secret: string) {
  const challenge = await challengeOf(users, email);
  const result = await verify(users, challenge.token, await unusedCode(users, userId, secret));
  if (!result.data?.verifyTwoFactor) throw new Error(`verifyTwoFactor failed: ${JSON.stringify(result.errors)}`);
  return result.data.verifyTwoFactor;
}
