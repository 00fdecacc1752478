import { ConfigError, EnvReader, readMailConfig } from '@marketplace/kit';

/** Settings of passkeys (WebAuthn), read when the users subgraph is wired. */
export interface PasskeyConfig {
  /** The relying party id: the storefront's registrable domain, which every passkey is bound to. */
  rpId: string;
  /** The name authenticators show beside the account (`APP_NAME`). */
  rpName: string;
  /** The exact origins (scheme, host, port) the storefront's pages run on; an answer from any other is refused. */
  origins: string[];
  ceremonyTtlSeconds: number;
  maxPerUser: number;
}

/**
 * `WEBAUTHN_RP_ID` and `WEBAUTHN_ORIGINS` default to the host and origin of `appUrl` (`APP_URL`,
 * the storefront), which is right whenever the storefront runs the WebAuthn calls itself.
 */
export function readPasskeyConfig(env: EnvReader, storefrontUrl: string): PasskeyConfig {
  const appUrl = new URL(storefrontUrl);
  const rpId = env.string('WEBAUTHN_RP_ID', appUrl.hostname);
  const origins = env.list('WEBAUTHN_ORIGINS', [appUrl.origin]).map((origin) => originOf(origin));
  for (const origin of origins) {
    const host = new URL(origin).hostname;
    // WebAuthn's own rule: the RP id is the origin's host or a registrable suffix of it.
    if (host !== rpId && !host.endsWith(`.${rpId}`))
      throw new ConfigError('WEBAUTHN_ORIGINS', `has ${origin}, which is not on the relying party id "${rpId}"`);
  }
  return {
    rpId,
    rpName: readMailConfig(env).appName,
    origins,
    ceremonyTtlSeconds: env.int('WEBAUTHN_CEREMONY_TTL_SECONDS', 300, { min: 30, max: 1800 }),
    maxPerUser: env.int('PASSKEYS_PER_USER_MAX', 10, { min: 1, max: 100 }),
  };
}

function originOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('WEBAUTHN_ORIGINS', `must be a comma-separated list of origins (got "${value}")`);
  }
  if (url.origin !== value.replace(/\/$/, ''))
    throw new ConfigError('WEBAUTHN_ORIGINS', `must list bare origins like https://shop.example (got "${value}")`);
  return url.origin;
}
