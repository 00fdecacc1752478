import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { TestSubgraph } from '@marketplace/kit/testing';
import { AUTH_FIELDS, Session } from '../testing';
import { SoftwareAuthenticator, SoftwareAuthenticatorOptions } from './software-authenticator.testing';

/** The storefront's origin in tests: `APP_URL`'s default, which `WEBAUTHN_ORIGINS` defaults to. */
export const STOREFRONT_ORIGIN = 'http://localhost:3000';

export const START_REGISTRATION = `mutation { startPasskeyRegistration { options expiresAt } }`;
export const COMPLETE_REGISTRATION = `mutation($r: JSONObject!, $n: String) {
  completePasskeyRegistration(input: { response: $r, name: $n }) {
    ${AUTH_FIELDS} recoveryCodes passkey { id name backedUp createdAt lastUsedAt }
  }
}`;
export const START_LOGIN = `mutation($c: String) { startPasskeyLogin(input: { twoFactorChallenge: $c }) { options expiresAt } }`;
export const COMPLETE_LOGIN = `mutation($r: JSONObject!) { completePasskeyLogin(input: { response: $r }) { ${AUTH_FIELDS} } }`;
export const DELETE = `mutation($p: ID!) { deletePasskey(input: { passkeyId: $p }) { ${AUTH_FIELDS} deletedPasskeyId } }`;
export const MY_PASSKEYS = `{ me { twoFactorEnabled passkeys { id name backedUp createdAt lastUsedAt } } }`;

/** An authenticator on the storefront's origin, as a browser there would be. */
export function authenticator(options: SoftwareAuthenticatorOptions = {}): SoftwareAuthenticator {
  return new SoftwareAuthenticator({ origin: STOREFRONT_ORIGIN, ...options });
}

export interface Registered {
  passkey: { id: string; name: string };
  recoveryCodes: string[] | null;
  session: Session;
}

export async function registrationOptions(users: TestSubgraph, token: string) {
  const { startPasskeyRegistration } = await users.client.data<{
    startPasskeyRegistration: { options: PublicKeyCredentialCreationOptionsJSON };
  }>(START_REGISTRATION, { token });
  return startPasskeyRegistration.options;
}

export function completeRegistration(
  users: TestSubgraph,
  token: string,
  response: RegistrationResponseJSON,
  name?: string,
) {
  return users.client.request<{ completePasskeyRegistration: (Session & Omit<Registered, 'session'>) | null }>(
    COMPLETE_REGISTRATION,
    { token, variables: { r: response, n: name } },
  );
}

/** Registers a passkey on `device` for the session's user, through the API. */
export async function registerPasskey(
  users: TestSubgraph,
  session: Session,
  device: SoftwareAuthenticator,
  name?: string,
): Promise<Registered> {
  const response = device.register(await registrationOptions(users, session.accessToken));
  const result = await completeRegistration(users, session.accessToken, response, name);
  if (!result.data?.completePasskeyRegistration)
    throw new Error(`registration failed: ${JSON.stringify(result.errors)}`);
  const { passkey, recoveryCodes, ...fresh } = result.data.completePasskeyRegistration;
  return { passkey, recoveryCodes, session: fresh };
}

export async function loginOptions(users: TestSubgraph, twoFactorChallenge?: string) {
  const { startPasskeyLogin } = await users.client.data<{
    startPasskeyLogin: { options: PublicKeyCredentialRequestOptionsJSON };
  }>(START_LOGIN, { variables: { c: twoFactorChallenge } });
  return startPasskeyLogin.options;
}

export function completeLogin(users: TestSubgraph, response: AuthenticationResponseJSON) {
  return users.client.request<{ completePasskeyLogin: Session | null }>(COMPLETE_LOGIN, { variables: { r: response } });
}

/** Signs in with the passkey on `device` alone: a session established with a second factor. */
export async function signInWithPasskey(users: TestSubgraph, device: SoftwareAuthenticator): Promise<Session> {
  const result = await completeLogin(users, device.authenticate(await loginOptions(users)));
  if (!result.data?.completePasskeyLogin) throw new Error(`passkey sign-in failed: ${JSON.stringify(result.errors)}`);
  return result.data.completePasskeyLogin;
}
