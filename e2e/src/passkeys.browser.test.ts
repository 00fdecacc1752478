import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { TestSupergraph, startTestSupergraph } from './testing/supergraph';

/** Flags for a headless run in a container with no network beyond localhost. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];
const PASSWORD = 'a long passkey passphrase';

/**
 * Issue 25: passkeys in a real browser. A small page on `http://localhost` (a secure context, the
 * relying party id `localhost`) loads `@simplewebauthn/browser`; Chromium's virtual authenticator
 * (the DevTools protocol's `WebAuthn.addVirtualAuthenticator`: CTAP2, resident keys, user
 * verification) creates and uses the credentials; every GraphQL call goes through the gateway.
 */
let storefront: Server;
let origin: string;
let supergraph: TestSupergraph;
let browser: Browser;

const BROWSER_LIBRARY = join(
  dirname(dirname(require.resolve('@simplewebauthn/browser'))),
  'dist/bundle/index.umd.min.js',
);
const PAGE = `<!doctype html><html><head><title>storefront</title><script src="/webauthn.js"></script></head>
<body><p>passkeys</p></body></html>`;

beforeAll(async () => {
  const library = readFileSync(BROWSER_LIBRARY);
  storefront = createServer((request, response) => {
    const script = request.url === '/webauthn.js';
    response.writeHead(200, { 'content-type': script ? 'text/javascript' : 'text/html' });
    response.end(script ? library : PAGE);
  });
  await new Promise<void>((resolve) => storefront.listen(0, '127.0.0.1', resolve));
  origin = `http://localhost:${(storefront.address() as AddressInfo).port}`;
  supergraph = await startTestSupergraph({ APP_URL: origin });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await supergraph?.close();
  await new Promise((resolve) => storefront?.close(resolve));
});

/** The storefront in a new page with its own virtual authenticator, as one device would be. */
async function device(at = origin): Promise<Page> {
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  await page.goto(at);
  return page;
}

declare const SimpleWebAuthnBrowser: {
  startRegistration(input: { optionsJSON: unknown }): Promise<unknown>;
  startAuthentication(input: { optionsJSON: unknown }): Promise<unknown>;
};

const create = (page: Page, options: unknown) =>
  page.evaluate((optionsJSON) => SimpleWebAuthnBrowser.startRegistration({ optionsJSON }), options);
const get = (page: Page, options: unknown) =>
  page.evaluate((optionsJSON) => SimpleWebAuthnBrowser.startAuthentication({ optionsJSON }), options);

const SESSION = 'accessToken user { id email }';
const gql = () => supergraph.client;

function claimsOf(token: string): { amr?: string[] } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

async function newAccount(): Promise<{ email: string; token: string }> {
  const email = `passkey.${randomUUID()}@example.com`;
  const { register } = await gql().data(`mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`, {
    variables: { i: { email, password: PASSWORD, displayName: 'Pat Passkey' } },
  });
  return { email, token: register.accessToken };
}

async function registerOn(page: Page, token: string) {
  const { startPasskeyRegistration } = await gql().data(`mutation { startPasskeyRegistration { options } }`, { token });
  const response = await create(page, startPasskeyRegistration.options);
  const { completePasskeyRegistration } = await gql().data(
    `mutation($r: JSONObject!) { completePasskeyRegistration(input: { response: $r, name: "Chromium" }) {
      ${SESSION} recoveryCodes passkey { id name } } }`,
    { variables: { r: response }, token },
  );
  return completePasskeyRegistration;
}

async function signInOn(page: Page, twoFactorChallenge?: string) {
  const { startPasskeyLogin } = await gql().data(
    `mutation($c: String) { startPasskeyLogin(input: { twoFactorChallenge: $c }) { options } }`,
    { variables: { c: twoFactorChallenge } },
  );
  const response = await get(page, startPasskeyLogin.options);
  return gql().request(`mutation($r: JSONObject!) { completePasskeyLogin(input: { response: $r }) { ${SESSION} } }`, {
    variables: { r: response },
  });
}

describe('passkeys in Chromium, through the gateway', () => {
  it('registers a passkey, then signs in with it alone: no email, no password', async () => {
    const account = await newAccount();
    const page = await device();
    const registered = await registerOn(page, account.token);
    expect(registered.passkey.name).toBe('Chromium');
    expect(registered.recoveryCodes).toHaveLength(10);
    const signedIn = await signInOn(page);
    const session = signedIn.data?.completePasskeyLogin;
    expect(session?.user.email).toBe(account.email);
    expect(claimsOf(session.accessToken).amr).toEqual(['hwk', 'mfa']);
    const { me } = await gql().data(`{ me { email twoFactorEnabled passkeys { name lastUsedAt } } }`, {
      token: session.accessToken,
    });
    expect(me).toEqual({
      email: account.email,
      twoFactorEnabled: true,
      passkeys: [{ name: 'Chromium', lastUsedAt: expect.any(String) }],
    });
    await page.close();
  });

  it('asks for the passkey after the password, and the same passkey completes that sign-in', async () => {
    const account = await newAccount();
    const page = await device();
    await registerOn(page, account.token);
    const { login } = await gql().data(
      `mutation($i: LoginInput!) { login(input: $i) { accessToken twoFactorChallenge { token methods } } }`,
      { variables: { i: { email: account.email, password: PASSWORD } } },
    );
    expect(login).toEqual({
      accessToken: null,
      twoFactorChallenge: { token: expect.any(String), methods: ['PASSKEY', 'RECOVERY_CODE'] },
    });
    const signedIn = await signInOn(page, login.twoFactorChallenge.token);
    expect(claimsOf(signedIn.data?.completePasskeyLogin.accessToken).amr).toEqual(['pwd', 'hwk', 'mfa']);
    await page.close();
  });

  it("refuses a passkey the server does not know, and the browser won't use one on another site", async () => {
    const account = await newAccount();
    const registeredHere = await device();
    await registerOn(registeredHere, account.token);
    // Another device has its own credential for the site, never registered with the marketplace.
    const stranger = await device();
    const { startPasskeyRegistration: foreign } = await gql().data(
      `mutation { startPasskeyRegistration { options } }`,
      {
        token: (await newAccount()).token,
      },
    );
    await create(stranger, foreign.options);
    const refusedStranger = await signInOn(stranger);
    expect(refusedStranger.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // A look-alike site (another origin, here 127.0.0.1) cannot ask for the marketplace's passkeys at all.
    const phishing = await device(origin.replace('localhost', '127.0.0.1'));
    const { startPasskeyLogin } = await gql().data(`mutation { startPasskeyLogin(input: {}) { options } }`);
    await expect(get(phishing, startPasskeyLogin.options)).rejects.toThrow(
      /SecurityError|not a valid domain|relying party/i,
    );
    for (const page of [registeredHere, stranger, phishing]) await page.close();
  });
});
