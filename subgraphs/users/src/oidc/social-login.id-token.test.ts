import { TestSubgraph } from '@marketplace/kit/testing';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startUsers, uniqueEmail } from '../testing';
import { CLIENT, IdentityProviders, OTHER_CLIENT, startIdentityProviders } from './testing/identity-provider';
import {
  REDIRECT_URI,
  accountAt,
  complete,
  newSubject,
  signInAtProvider,
  startLogin,
} from './testing/social-login.fixtures';

/**
 * The ID token's own checks. A proxy in front of the real provider passes everything through,
 * except that it can swap the token endpoint's `id_token` for one the test obtained itself:
 * genuinely signed by the provider, but for another client (audience) or another request (nonce).
 */
let idp: IdentityProviders;
let proxy: Server;
let users: TestSubgraph;
let swapIdToken: string | null = null;

beforeAll(async () => {
  idp = await startIdentityProviders();
  proxy = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upstream = await fetch(`${idp.oidc}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
      });
      let body = await upstream.text();
      if (req.url === '/.well-known/openid-configuration')
        body = JSON.stringify({ ...JSON.parse(body), token_endpoint: `${proxyUrl()}/token` });
      if (req.url === '/token' && swapIdToken) body = JSON.stringify({ ...JSON.parse(body), id_token: swapIdToken });
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(body);
    })();
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  users = await startUsers({
    OIDC_PROVIDERS: 'acme',
    OIDC_REDIRECT_URIS: REDIRECT_URI,
    OIDC_ACME_ISSUER: proxyUrl(),
    OIDC_ACME_CLIENT_ID: CLIENT.clientId,
    OIDC_ACME_CLIENT_SECRET: CLIENT.clientSecret,
  });
});
afterEach(() => {
  swapIdToken = null;
});
afterAll(async () => {
  await users.close();
  await new Promise((resolve) => proxy.close(resolve));
  await idp.close();
});

function proxyUrl(): string {
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

/** A code flow the test runs itself as `client`, with the nonce it chooses: the provider's genuine ID token. */
async function idTokenFor(client: { clientId: string; clientSecret: string }, account: string, nonce: string) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${idp.oidc}/auth`);
  url.search = new URLSearchParams({
    client_id: client.clientId,
    response_type: 'code',
    scope: 'openid email profile',
    redirect_uri: REDIRECT_URI,
    state: 'test-state',
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const { code } = await signInAtProvider(url.href, account);
  const response = await fetch(`${idp.oidc}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }).toString(),
  });
  return ((await response.json()) as { id_token: string }).id_token;
}

it('signs in through the proxy when nothing is swapped', async () => {
  const started = await startLogin(users, 'acme');
  const redirect = await signInAtProvider(started.authorizationUrl, accountAt(newSubject(), uniqueEmail('proxied')));
  expect((await complete(users, 'acme', redirect)).data?.completeOAuthLogin?.outcome).toBe('ACCOUNT_CREATED');
});

it("refuses an ID token issued to another client, even with this request's nonce", async () => {
  const account = accountAt(newSubject(), uniqueEmail('audience'));
  const started = await startLogin(users, 'acme');
  const nonce = new URL(started.authorizationUrl).searchParams.get('nonce')!;
  swapIdToken = await idTokenFor(OTHER_CLIENT, account, nonce);
  const redirect = await signInAtProvider(started.authorizationUrl, account);
  const result = await complete(users, 'acme', redirect);
  expect(result.errors?.[0].extensions?.fields).toEqual([
    { field: 'input.code', message: expect.stringContaining('aud mismatch') },
  ]);
  expect(result.data).toEqual({ completeOAuthLogin: null });
});

it('refuses an ID token for this client minted for another request (nonce)', async () => {
  const account = accountAt(newSubject(), uniqueEmail('nonce'));
  swapIdToken = await idTokenFor(CLIENT, account, 'a-nonce-of-another-request');
  const started = await startLogin(users, 'acme');
  const redirect = await signInAtProvider(started.authorizationUrl, account);
  const result = await complete(users, 'acme', redirect);
  expect(result.errors?.[0].extensions?.fields).toEqual([
    { field: 'input.code', message: expect.stringContaining('nonce mismatch') },
  ]);
});
