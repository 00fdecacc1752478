import { randomUUID } from 'node:crypto';
import { Browser, Page, chromium } from 'playwright-core';
import { Role } from '@marketplace/kit';
import { globalId } from '@marketplace/kit/testing';
import { ProbeStack, startProbeStack } from '../testing/stack';

/** Flags for a headless run in a container with no network beyond localhost. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);
const UI_TIMEOUT_MS = 20_000;

let stack: ProbeStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startProbeStack();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Sets a GraphiQL (CodeMirror 5) editor's text through the editor itself. */
async function setEditor(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).first().waitFor({ timeout: UI_TIMEOUT_MS });
  await page.evaluate(
    ([sel, value]) =>
      (document.querySelector(sel) as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(
        value,
      ),
    [selector, text] as const,
  );
}

/** GraphiQL reads the operation name from the editor after a short debounce; clicking sooner runs the old one. */
const EDITOR_DEBOUNCE_MS = 300;

async function responseText(page: Page): Promise<string> {
  return page.evaluate(() =>
    (
      document.querySelector('.graphiql-response .CodeMirror') as unknown as { CodeMirror: { getValue(): string } }
    ).CodeMirror.getValue(),
  );
}

describe('playground in a browser', () => {
  it('runs GraphiQL from local assets only and executes an operation with headers from the header editor', async () => {
    const page = await browser.newPage();
    const offsite: string[] = [];
    const problems: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (LOCAL_HOSTS.has(url.hostname)) return route.continue();
      offsite.push(url.href);
      return route.abort();
    });
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(stack.gateway.url, { waitUntil: 'load' });
    await page.locator('.graphiql-container').waitFor({ timeout: UI_TIMEOUT_MS });

    await setEditor(page, '.graphiql-query-editor .CodeMirror', 'query Who { whoami { viewerId role requestId } }');
    await setEditor(
      page,
      'section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror',
      JSON.stringify({ Authorization: `Bearer ${stack.token(Role.VENDOR)}` }),
    );
    const before = stack.stats.graphqlRequests;
    await page.waitForTimeout(EDITOR_DEBOUNCE_MS);
    await page.locator('.graphiql-execute-button').click();
    await page.waitForFunction(
      () =>
        (
          (
            document.querySelector('.graphiql-response .CodeMirror') as unknown as {
              CodeMirror?: { getValue(): string };
            }
          )?.CodeMirror?.getValue() ?? ''
        ).includes('whoami'),
      undefined,
      { timeout: UI_TIMEOUT_MS },
    );

    const result = JSON.parse(await responseText(page));
    expect(result.data.whoami).toMatchObject({ viewerId: 'user-vendor', role: 'VENDOR' });
    expect(stack.stats.graphqlRequests).toBeGreaterThan(before);
    expect(offsite).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('runs a subscription over graphql-ws with the header editor’s token and shows each push', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const id = globalId('Order', randomUUID());
    const setStatus = (status: string) =>
      stack.client.data(`mutation($id: ID!, $s: String!) { setProbeOrderStatus(id: $id, status: $s) }`, {
        variables: { id, s: status },
        token: stack.token(Role.ADMIN),
      });
    await setStatus('PENDING_PAYMENT');

    await page.goto(stack.gateway.url, { waitUntil: 'load' });
    await page.locator('.graphiql-container').waitFor({ timeout: UI_TIMEOUT_MS });
    await setEditor(
      page,
      '.graphiql-query-editor .CodeMirror',
      `subscription Live { orderUpdated(orderId: "${id}") { id status viewerId } }`,
    );
    await setEditor(
      page,
      'section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror',
      JSON.stringify({ Authorization: `Bearer ${stack.token(Role.CUSTOMER)}` }),
    );
    await page.waitForTimeout(EDITOR_DEBOUNCE_MS);
    await page.locator('.graphiql-execute-button').click();
    const responseShows = (text: string) =>
      page.waitForFunction(
        (expected) =>
          (
            (
              document.querySelector('.graphiql-response .CodeMirror') as unknown as {
                CodeMirror?: { getValue(): string };
              }
            )?.CodeMirror?.getValue() ?? ''
          ).includes(expected),
        text,
        { timeout: UI_TIMEOUT_MS },
      );
    await responseShows('PENDING_PAYMENT');
    expect(JSON.parse(await responseText(page)).data.orderUpdated).toEqual({
      id,
      status: 'PENDING_PAYMENT',
      viewerId: 'user-customer',
    });
    await setStatus('PAID');
    await responseShows('"PAID"');
    expect(problems).toEqual([]);
    await page.close();
  });
});
