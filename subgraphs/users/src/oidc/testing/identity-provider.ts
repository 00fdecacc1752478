import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const REDIRECT_URI = 'http://localhost:3000/auth/callback';
export const CLIENT = { clientId: 'marketplace', clientSecret: 'marketplace-test-secret-0123456789abcdef' };
/** Another relying party of the same provider: its codes and ID tokens must not work for ours. */
export const OTHER_CLIENT = { clientId: 'other-app', clientSecret: 'other-app-test-secret-0123456789abcdef' };

export interface IdentityProviders {
  /** The standard OIDC provider's issuer. */
  oidc: string;
  /** The GitHub-shaped provider's origin (its API under `/api`). */
  github: string;
  close(): Promise<void>;
}

/** Starts the providers of `identity-provider.main.ts` in a child process and waits for their issuers. */
export async function startIdentityProviders(): Promise<IdentityProviders> {
  const settings = {
    clients: [CLIENT, OTHER_CLIENT].map((client) => ({ ...client, redirectUris: [REDIRECT_URI] })),
  };
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'identity-provider.main.js')], {
    env: { ...process.env, IDP_SETTINGS: JSON.stringify(settings) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error(`identity provider exited: ${stderr.join('')}`);
    }),
  ])) as [string];
  const issuers = JSON.parse(first) as { oidc: string; github: string };
  return {
    ...issuers,
    async close() {
      const exited = once(child, 'exit');
      child.stdin!.end();
      await exited;
    },
  };
}

/** The parameters the provider sent the browser back with. */
export interface ProviderRedirect {
  code: string;
  state: string;
  iss: string | null;
}

/** `<subject>|<email>|<verified>|<name>`: who the test signs in as at the provider. */
export function accountAt(subject: string, email: string | null, verified = true, name = 'Social User'): string {
  return [subject, email ?? '', String(verified), name].join('|');
}

/**
 * A browser at the provider: follows redirects by hand with a cookie jar, submits the login
 * form as `account` and the consent form, and stops at the redirect to `redirectUri`.
 */
export async function signInAtProvider(
  authorizationUrl: string,
  account: string,
  redirectUri = REDIRECT_URI,
): Promise<ProviderRedirect> {
  const cookies = new Map<string, string>();
  let request: { url: string; init: RequestInit } = { url: authorizationUrl, init: { method: 'GET' } };
  for (let step = 0; step < 20; step += 1) {
    const response = await fetch(request.url, {
      ...request.init,
      redirect: 'manual',
      headers: { ...(request.init.headers as Record<string, string>), cookie: cookieHeader(cookies) },
    });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair] = setCookie.split(';');
      const [name, ...value] = pair.split('=');
      cookies.set(name.trim(), value.join('='));
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, request.url);
      if (`${next.origin}${next.pathname}` === redirectUri) {
        const error = next.searchParams.get('error');
        if (error) throw new Error(`provider answered ${error}: ${next.searchParams.get('error_description')}`);
        return {
          code: next.searchParams.get('code') ?? '',
          state: next.searchParams.get('state') ?? '',
          iss: next.searchParams.get('iss'),
        };
      }
      request = { url: next.href, init: { method: 'GET' } };
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([a-z]+)"/.exec(html)?.[1];
    if (response.status !== 200 || !action || !prompt)
      throw new Error(`unexpected page at ${request.url} (${response.status}): ${html.slice(0, 300)}`);
    const form = new URLSearchParams(prompt === 'login' ? { prompt, login: account, password: 'any' } : { prompt });
    request = {
      url: new URL(action, request.url).href,
      init: { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    };
  }
  throw new Error('too many steps at the provider');
}

function cookieHeader(cookies: Map<string, string>): string {
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}
