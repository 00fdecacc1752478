import { envReader } from '@marketplace/kit';
import { readSocialLoginConfig } from './oidc.config';

const read = (env: Record<string, string>) => readSocialLoginConfig(envReader(env));
const CALLBACK = 'https://market.example/auth/callback';

describe('readSocialLoginConfig', () => {
  it('has no provider by default', () => {
    expect(read({})).toEqual({
      providers: [],
      redirectUris: [],
      requestTtlSeconds: 600,
      linkTtlSeconds: 600,
      startsPerIpPerHour: 120,
    });
  });

  it("knows Google's and GitHub's issuers and protocols, and takes any other issuer by name", () => {
    const config = read({
      OIDC_PROVIDERS: 'Google, github,acme',
      OIDC_REDIRECT_URIS: `${CALLBACK},https://market.example/account/links`,
      OIDC_GOOGLE_CLIENT_ID: 'g-id',
      OIDC_GOOGLE_CLIENT_SECRET: 'g-secret',
      OIDC_GITHUB_CLIENT_ID: 'gh-id',
      OIDC_GITHUB_CLIENT_SECRET: 'gh-secret',
      OIDC_ACME_ISSUER: 'https://id.acme.example/',
      OIDC_ACME_CLIENT_ID: 'a-id',
      OIDC_ACME_CLIENT_SECRET: 'a-secret',
      OIDC_ACME_DISPLAY_NAME: 'Acme SSO',
    });
    expect(config.providers).toEqual([
      {
        name: 'google',
        displayName: 'Google',
        protocol: 'oidc',
        issuer: 'https://accounts.google.com',
        clientId: 'g-id',
        clientSecret: 'g-secret',
        apiUrl: undefined,
      },
      {
        name: 'github',
        displayName: 'GitHub',
        protocol: 'github',
        issuer: 'https://github.com',
        clientId: 'gh-id',
        clientSecret: 'gh-secret',
        apiUrl: 'https://api.github.com',
      },
      {
        name: 'acme',
        displayName: 'Acme SSO',
        protocol: 'oidc',
        issuer: 'https://id.acme.example',
        clientId: 'a-id',
        clientSecret: 'a-secret',
        apiUrl: undefined,
      },
    ]);
    expect(config.redirectUris).toEqual([CALLBACK, 'https://market.example/account/links']);
  });

  it.each([
    [
      'a provider without its client',
      { OIDC_PROVIDERS: 'google', OIDC_REDIRECT_URIS: CALLBACK },
      /OIDC_GOOGLE_CLIENT_ID/,
    ],
    [
      'an unknown provider without an issuer',
      { OIDC_PROVIDERS: 'acme', OIDC_REDIRECT_URIS: CALLBACK, OIDC_ACME_CLIENT_ID: 'x', OIDC_ACME_CLIENT_SECRET: 'y' },
      /OIDC_ACME_ISSUER is required/,
    ],
    ['a name that is no variable part', { OIDC_PROVIDERS: 'my-idp' }, /OIDC_PROVIDERS holds "my-idp"/],
    [
      'providers without redirect URIs',
      { OIDC_PROVIDERS: 'google', OIDC_GOOGLE_CLIENT_ID: 'x', OIDC_GOOGLE_CLIENT_SECRET: 'y' },
      /OIDC_REDIRECT_URIS is required/,
    ],
    ['a redirect URI with a fragment', { OIDC_REDIRECT_URIS: `${CALLBACK}#x` }, /OIDC_REDIRECT_URIS holds/],
    ['a redirect URI of another scheme', { OIDC_REDIRECT_URIS: 'javascript://x' }, /OIDC_REDIRECT_URIS holds/],
    [
      'plain HTTP in production',
      { NODE_ENV: 'production', OIDC_REDIRECT_URIS: 'http://market.example/auth/callback' },
      /not an https URL/,
    ],
    [
      'an HTTP issuer in production',
      {
        NODE_ENV: 'production',
        OIDC_PROVIDERS: 'acme',
        OIDC_REDIRECT_URIS: CALLBACK,
        OIDC_ACME_ISSUER: 'http://id.acme.example',
      },
      /OIDC_ACME_ISSUER must use https/,
    ],
  ])('refuses %s at start-up', (_label, env, message) => {
    expect(() => read(env)).toThrow(message);
  });
});
