import { ConfigError, EnvReader } from '@marketplace/kit';

/** How a provider is spoken to: OpenID Connect (discovery, ID token), or GitHub's plain OAuth 2.0. */
export type ProviderProtocol = 'oidc' | 'github';

export interface SocialProviderConfig {
  /** The name clients pass (`google`, `github`, `acme`): lower case, from `OIDC_PROVIDERS`. */
  name: string;
  /** Shown on sign-in buttons (`OIDC_<NAME>_DISPLAY_NAME`). */
  displayName: string;
  protocol: ProviderProtocol;
  /** The OIDC issuer (discovered at `/.well-known/openid-configuration`); GitHub's web origin for `github`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** GitHub's REST API, read for the verified primary email (`OIDC_GITHUB_API_URL`). */
  apiUrl?: string;
}

export interface SocialLoginConfig {
  providers: SocialProviderConfig[];
  /** Exact redirect URIs a client may ask to come back to; anything else is refused (no open redirect). */
  redirectUris: string[];
  /** How long an authorization request (state, PKCE verifier, nonce) may wait for its code. */
  requestTtlSeconds: number;
  /** How long a LINK_REQUIRED answer's link token waits for the account's password. */
  linkTtlSeconds: number;
  /** Started sign-ins per client IP per hour: each stores a row until it expires. */
  startsPerIpPerHour: number;
}

const NAME = /^[a-z][a-z0-9]{0,30}$/;
const KNOWN: Record<string, { displayName: string; issuer?: string; protocol: ProviderProtocol }> = {
  google: { displayName: 'Google', issuer: 'https://accounts.google.com', protocol: 'oidc' },
  github: { displayName: 'GitHub', issuer: 'https://github.com', protocol: 'github' },
};

/**
 * `OIDC_PROVIDERS=google,github,acme`, each with `OIDC_<NAME>_CLIENT_ID` and `_CLIENT_SECRET`
 * (and `_ISSUER`, which Google and GitHub default). A named provider missing its client is a
 * start-up error, never a silently missing button.
 */
export function readSocialLoginConfig(env: EnvReader): SocialLoginConfig {
  // In production the provider's endpoints and our callback carry codes and tokens: TLS only.
  const production = env.oneOf('NODE_ENV', ['development', 'test', 'production'], 'development') === 'production';
  const schemes = production ? ['https'] : ['https', 'http'];
  const providers = env.list('OIDC_PROVIDERS', []).map((raw): SocialProviderConfig => {
    const name = raw.toLowerCase();
    if (!NAME.test(name))
      throw new ConfigError('OIDC_PROVIDERS', `holds "${raw}", not a lower-case name of letters and digits`);
    const prefix = `OIDC_${name.toUpperCase()}_`;
    const known = KNOWN[name];
    const issuer = env.url(`${prefix}ISSUER`, schemes) ?? known?.issuer;
    if (!issuer) throw new ConfigError(`${prefix}ISSUER`, `is required for the provider "${name}"`);
    const protocol = env.oneOf(`${prefix}PROTOCOL`, ['oidc', 'github'], known?.protocol ?? 'oidc');
    return {
      name,
      displayName: env.string(`${prefix}DISPLAY_NAME`, known?.displayName ?? name),
      protocol,
      issuer: issuer.replace(/\/$/, ''),
      clientId: env.string(`${prefix}CLIENT_ID`),
      clientSecret: env.string(`${prefix}CLIENT_SECRET`),
      apiUrl: protocol === 'github' ? (env.url(`${prefix}API_URL`, schemes) ?? 'https://api.github.com') : undefined,
    };
  });
  const redirectUris = env.list('OIDC_REDIRECT_URIS', []);
  for (const uri of redirectUris) {
    const scheme = /^([a-z]+):\/\//.exec(uri)?.[1];
    if (!scheme || !schemes.includes(scheme) || uri.includes('#'))
      throw new ConfigError(
        'OIDC_REDIRECT_URIS',
        `holds "${uri}", not an ${schemes.join(' or ')} URL without a fragment`,
      );
  }
  if (providers.length > 0 && redirectUris.length === 0)
    throw new ConfigError('OIDC_REDIRECT_URIS', 'is required when OIDC_PROVIDERS names a provider');
  return {
    providers,
    redirectUris,
    requestTtlSeconds: env.int('OIDC_REQUEST_TTL_SECONDS', 600, { min: 60, max: 3600 }),
    linkTtlSeconds: env.int('OIDC_LINK_TTL_SECONDS', 600, { min: 60, max: 3600 }),
    startsPerIpPerHour: env.int('OIDC_STARTS_PER_IP_PER_HOUR', 120, { min: 1 }),
  };
}
