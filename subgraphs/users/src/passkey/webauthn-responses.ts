import { badInput } from '@marketplace/kit';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

/** Far above any real answer (a few hundred bytes to a few kilobytes), far below what would cost to parse. */
const MAX_FIELD_CHARS = 16_384;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * The browser's answer as the API receives it (`JSONObject`): checked for shape before
 * `@simplewebauthn/server` verifies it, so a malformed one is a BAD_USER_INPUT naming the
 * part, and the challenge it answers can be read to find its ceremony.
 */
export function registrationResponse(value: Record<string, unknown>, field: string): RegistrationResponseJSON {
  const response = credentialOf(value, field, ['clientDataJSON', 'attestationObject']);
  return response as unknown as RegistrationResponseJSON;
}

export function authenticationResponse(value: Record<string, unknown>, field: string): AuthenticationResponseJSON {
  const response = credentialOf(value, field, ['clientDataJSON', 'authenticatorData', 'signature']);
  const userHandle = (response.response as Record<string, unknown>).userHandle;
  if (userHandle !== undefined && userHandle !== null && !isBase64Url(userHandle))
    throw malformed(`${field}.response.userHandle`);
  return response as unknown as AuthenticationResponseJSON;
}

/** The challenge the answer signed, from its client data (verification compares it with the ceremony's again). */
export function challengeOf(response: { response: { clientDataJSON: string } }, field: string): string {
  let clientData: unknown;
  try {
    clientData = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8'));
  } catch {
    throw malformed(`${field}.response.clientDataJSON`);
  }
  const challenge = (clientData as { challenge?: unknown } | null)?.challenge;
  if (!isBase64Url(challenge) || challenge.length === 0 || challenge.length > 512)
    throw malformed(`${field}.response.clientDataJSON`);
  return challenge;
}

function credentialOf(value: Record<string, unknown>, field: string, parts: string[]): Record<string, unknown> {
  if (value.type !== 'public-key') throw malformed(`${field}.type`);
  for (const key of ['id', 'rawId'])
    if (!isBase64Url(value[key]) || value[key] === '') throw malformed(`${field}.${key}`);
  const response = value.response;
  if (typeof response !== 'object' || response === null || Array.isArray(response))
    throw malformed(`${field}.response`);
  for (const part of parts)
    if (!isBase64Url((response as Record<string, unknown>)[part])) throw malformed(`${field}.response.${part}`);
  if (typeof value.clientExtensionResults !== 'object' || value.clientExtensionResults === null)
    return { ...value, clientExtensionResults: {} };
  return value;
}

function isBase64Url(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_FIELD_CHARS && BASE64URL.test(value);
}

function malformed(field: string) {
  return badInput([{ field, message: 'is missing or not what a WebAuthn credential answers (base64url strings)' }]);
}
