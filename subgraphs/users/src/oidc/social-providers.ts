import { BaseClient, Issuer, errors, generators } from 'openid-client';
import type { SocialProviderConfig } from './oidc.config';

/** Who the provider says signed in: its stable subject, and the email with whether the provider verified it. */
export interface ProviderIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/** What one authorization request must remember until its code comes back. */
export interface AuthorizationChecks {
  redirectUri: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The provider refused the code or its answer failed a check (signature, audience, nonce, PKCE). */
export class ProviderRefusal extends Error {}

const OIDC_SCOPE = 'openid email profile';
// GitHub has no ID token: `read:user` and `user:email` let the API answer who and which verified emails.
const GITHUB_SCOPE = 'read:user user:email';

/**
 * One provider, spoken to through openid-client: discovery, the authorization URL (PKCE S256,
 * state, nonce), the code exchange and, for OIDC, the ID token's checks (signature from the
 * issuer's JWKS, `iss`, `aud` = our client id, `exp`, `nonce`). GitHub is plain OAuth 2.0:
 * openid-client's `oauthCallback` (state and PKCE, no ID token), then GitHub's REST API
 * for the user's id and verified primary email.
 *
 * openid-client 5, not 6: 6 is ESM only, which these CommonJS packages (and Jest's module
 * runtime) cannot load; 5 has the same checks on the same `jose`-based validation.
 */
export class SocialProvider {
  private client?: Promise<BaseClient>;

  constructor(readonly config: SocialProviderConfig) {}

  async authorizationUrl(checks: AuthorizationChecks): Promise<string> {
    const client = await this.connect();
    return client.authorizationUrl({
      redirect_uri: checks.redirectUri,
      scope: this.config.protocol === 'github' ? GITHUB_SCOPE : OIDC_SCOPE,
      state: checks.state,
      ...(this.config.protocol === 'oidc' ? { nonce: checks.nonce } : {}),
      code_challenge: generators.codeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  async identify(code: string, iss: string | null, checks: AuthorizationChecks): Promise<ProviderIdentity> {
    const client = await this.connect();
    // `iss` (RFC 9207) tells which provider answered: openid-client checks it when the provider sends one.
    const params = { code, state: checks.state, ...(iss ? { iss } : {}) };
    try {
      if (this.config.protocol === 'github') {
        const tokens = await client.oauthCallback(checks.redirectUri, params, {
          state: checks.state,
          code_verifier: checks.codeVerifier,
        });
        return await this.githubIdentity(tokens.access_token ?? '');
      }
      const tokens = await client.callback(checks.redirectUri, params, {
        state: checks.state,
        nonce: checks.nonce,
        code_verifier: checks.codeVerifier,
        response_type: 'code',
      });
      const claims = tokens.claims();
      // Some issuers keep email out of the ID token: the userinfo endpoint, with the same token, has it.
      const info = claims.email === undefined && tokens.access_token ? await client.userinfo(tokens) : claims;
      if (info.sub !== claims.sub) throw new ProviderRefusal('userinfo answered for another subject');
      return {
        subject: claims.sub,
        email: typeof info.email === 'string' ? info.email : null,
        emailVerified: info.email_verified === true,
        name: typeof info.name === 'string' ? info.name : null,
      };
    } catch (error) {
      if (error instanceof errors.OPError || error instanceof errors.RPError) throw new ProviderRefusal(error.message);
      throw error;
    }
  }

  private connect(): Promise<BaseClient> {
    // A failed discovery is retried by the next sign-in rather than cached.
    this.client ??= this.discover().catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  private async discover(): Promise<BaseClient> {
    const { issuer, clientId, clientSecret, protocol } = this.config;
    const found =
      protocol === 'github'
        ? new Issuer({
            issuer,
            authorization_endpoint: `${issuer}/login/oauth/authorize`,
            token_endpoint: `${issuer}/login/oauth/access_token`,
          })
        : await Issuer.discover(issuer);
    return new found.Client({
      client_id: clientId,
      client_secret: clientSecret,
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    });
  }

  private async githubIdentity(accessToken: string): Promise<ProviderIdentity> {
    const get = async (path: string) => {
      const response = await fetch(`${this.config.apiUrl}${path}`, {
        headers: {
          authorization: `Bearer ${accessToken}`,
          accept: 'application/vnd.github+json',
          'user-agent': 'marketplace-supergraph',
        },
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) throw new ProviderRefusal(`GitHub API ${path} answered ${response.status}`);
      return response.json() as Promise<unknown>;
    };
    const user = (await get('/user')) as { id?: number; name?: string | null };
    const emails = (await get('/user/emails')) as { email: string; primary: boolean; verified: boolean }[];
    if (typeof user.id !== 'number' || !Array.isArray(emails)) throw new ProviderRefusal('GitHub answered no user');
    // The primary address if verified; GitHub's own `email` field is the public one and may be unverified.
    const primary = emails.find((entry) => entry.primary);
    return {
      subject: String(user.id),
      email: primary?.email ?? null,
      emailVerified: primary?.verified === true,
      name: user.name ?? null,
    };
  }
}
