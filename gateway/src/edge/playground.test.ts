import { readFileSync } from 'node:fs';
import { PLAYGROUND_ASSETS, PLAYGROUND_ASSET_PATH } from './playground';
import { ProbeStack, startProbeStack } from '../testing/stack';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

let stack: ProbeStack;

beforeAll(async () => {
  stack = await startProbeStack();
});

afterAll(async () => {
  await stack?.close();
});

async function page() {
  const response = await fetch(stack.gateway.url, { headers: { accept: BROWSER_ACCEPT } });
  return { response, html: await response.text() };
}

describe('playground', () => {
  it('serves GraphiQL to a browser opening /graphql', async () => {
    const { response, html } = await page();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('graphqlWs.createClient({ url: subscriptionUrl');
    expect(html).toContain('isHeadersEditorEnabled: true');
  });

  it('loads every script and style from this origin, none from a CDN', async () => {
    const { html } = await page();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(sources.length).toBe(Object.keys(PLAYGROUND_ASSETS).length);
    for (const source of sources) expect(source.startsWith(`${PLAYGROUND_ASSET_PATH}/`)).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('sends a CSP that allows only this origin and the page’s own inline script by nonce', async () => {
    const { response, html } = await page();
    const csp = response.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'(;|$)/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|\*|https?:/);
    const again = await page();
    expect(again.response.headers.get('content-security-policy')).not.toBe(csp);
  });

  it.each(Object.entries(PLAYGROUND_ASSETS))('serves %s with its content type', async (file, asset) => {
    const response = await fetch(new URL(`${PLAYGROUND_ASSET_PATH}/${file}`, stack.gateway.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(asset.contentType);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(asset.file))).toBe(true);
  });

  it('serves nothing else from the asset folder', async () => {
    for (const file of ['package.json', '..%2F..%2Fpackage.json', 'constructor', 'index.js']) {
      const response = await fetch(new URL(`${PLAYGROUND_ASSET_PATH}/${file}`, stack.gateway.url));
      expect(response.status).toBe(404);
    }
  });

  it('leaves GET operations and non-browser clients to GraphQL', async () => {
    const withQuery = await fetch(`${stack.gateway.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: BROWSER_ACCEPT, 'apollo-require-preflight': 'true' },
    });
    expect(await withQuery.json()).toEqual({ data: { __typename: 'Query' } });
    const jsonClient = await fetch(stack.gateway.url, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(jsonClient.status).toBe(400);
    expect(jsonClient.headers.get('content-type')).toMatch(/json/);
  });
});
