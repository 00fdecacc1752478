import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OpenID Connect provider (`oidc-provider`) for the social login tests, run as its own
 * process by `startIdentityProviders`: oidc-provider is ESM only, which Jest's CommonJS module
 * runtime cannot load, while a plain Node process imports it as it is.
 *
 * Two providers on two ports: a standard OIDC one, and one shaped like GitHub (OAuth 2.0 at
 * `/login/oauth/*`, no ID token, the user and their emails from `/api/user` and `/api/user/emails`).
 * The account id a test signs in with carries the identity: `<subject>|<email>|<verified>|<name>`.
 * Settings come as JSON in `IDP_SETTINGS`; the process prints one JSON line with both issuers.
 */
interface Settings {
  clients: { clientId: string; clientSecret: string; redirectUris: string[] }[];
}

interface OidcProvider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  AccessToken: { find(token: string): Promise<{ accountId: string } | undefined> };
}
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;

interface Identity {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export function identityOf(accountId: string): Identity {
  const [, email, verified, name] = accountId.split('|');
  return {
    sub: accountId,
    ...(email ? { email, email_verified: verified === 'true' } : {}),
    ...(name ? { name } : {}),
  };
}

async function startProvider(
  settings: Settings,
  shape: 'oidc' | 'github',
): Promise<{ issuer: string; server: Server }> {
  // Untyped (the package ships no declarations): the module name as a variable keeps tsc from looking.
  const moduleName = 'oidc-provider';
  const { Provider } = (await import(moduleName)) as { Provider: ProviderClass };
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: settings.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    async findAccount(_ctx: unknown, accountId: string) {
      return { accountId, claims: () => identityOf(accountId) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile', 'read:user', 'user:email'],
    // The ID token carries the email claims, as Google's does.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['identity-provider-test-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    ...(shape === 'github'
      ? { routes: { authorization: '/login/oauth/authorize', token: '/login/oauth/access_token' } }
      : {}),
  });
  const handle = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (shape === 'github' && req.url?.startsWith('/api/')) {
      void githubApi(provider, req, res);
      return;
    }
    handle(req, res);
  });
  return { issuer, server };
}

/** GitHub's REST answers for the account the access token belongs to: a numeric id, and every email with flags. */
async function githubApi(provider: OidcProvider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const found = token ? await provider.AccessToken.find(token) : undefined;
  if (!found) {
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials"}');
    return;
  }
  const identity = identityOf(found.accountId);
  const [subject] = found.accountId.split('|');
  const body =
    req.url === '/api/user'
      ? { id: Number(subject), login: `user${subject}`, name: identity.name ?? null, email: null }
      : req.url === '/api/user/emails'
        ? [
            // A verified secondary address first: only the primary may count.
            { email: `secondary.${subject}@example.org`, primary: false, verified: true, visibility: null },
            ...(identity.email
              ? [{ email: identity.email, primary: true, verified: identity.email_verified, visibility: 'private' }]
              : []),
          ]
        : null;
  res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.IDP_SETTINGS ?? '{}') as Settings;
  const oidc = await startProvider(settings, 'oidc');
  const github = await startProvider(settings, 'github');
  process.stdout.write(`${JSON.stringify({ oidc: oidc.issuer, github: github.issuer })}\n`);
  // Ends with its parent: the test closes stdin (or dies) and the providers go with it.
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

if (require.main === module) void main();
