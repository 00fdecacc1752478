import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { MailSink, createMailTransport } from '@marketplace/kit';
import { startTestMailSink } from '@marketplace/kit/testing';
import { createProbeSubgraph } from '../testing/fixture-subgraph';
import { TestGateway, composeSupergraph, startTestGateway } from '../testing/stack';

/** Flags for a headless run in a container with no network beyond localhost. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

/**
 * Issue 21: a mail's HTML is shown in the development mailbox, and a real browser runs none
 * of its scripts (inline or event handlers) and fetches nothing it links.
 */
const HOSTILE_HTML = `<p id="greeting">Hello buyer</p>
<script>document.title = 'owned'; try { parent.document.title = 'owned'; } catch (e) {} fetch('/dev/mail?from-script');</script>
<img src="x" onerror="parent.document.title = 'owned'">
<img src="http://127.0.0.1:9/pixel.gif">`;

let dataDir: string;
let sink: MailSink;
let gateway: TestGateway;
let browser: Browser;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gateway-mail-browser-'));
  const supergraphSdl = await composeSupergraph(createProbeSubgraph().module, 'http://127.0.0.1:9/graphql');
  sink = await startTestMailSink();
  gateway = await startTestGateway(supergraphSdl, dataDir, {}, { mailbox: sink });
  const transport = createMailTransport({ smtpUrl: sink.url, from: 'shop@example.com' });
  await transport
    .send({ to: 'buyer@example.com', subject: 'Hostile', text: 'text part', html: HOSTILE_HTML })
    .finally(() => transport.close());
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await sink?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the development mailbox in a browser', () => {
  it("shows a mail's HTML without running any of its scripts or loading what it links", async () => {
    const page = await browser.newPage();
    // Chromium reports a request the CSP blocks as failed (`csp`), never sent: count the answered ones.
    const requested: string[] = [];
    page.on('requestfinished', (request) => requested.push(request.url()));
    const blockedScripts: string[] = [];
    page.on('console', (message) => {
      if (/Blocked script execution/.test(message.text())) blockedScripts.push(message.text());
    });
    const origin = new URL(gateway.gateway.url).origin;

    await page.goto(`${origin}/dev/mail`, { waitUntil: 'load' });
    await page.getByRole('link', { name: 'Hostile' }).click();
    await page.waitForLoadState('load');
    const frame = page.frameLocator('iframe[title="HTML part"]');
    await expect(frame.locator('#greeting').textContent()).resolves.toBe('Hello buyer');
    // Time for the script, the failing image's handler and the pixel, were any of them allowed.
    await page.waitForTimeout(500);

    expect(await page.title()).toBe('Hostile');
    expect(blockedScripts.length).toBeGreaterThan(0);
    expect(await page.locator('pre').textContent()).toContain('text part');
    expect(requested.filter((url) => url.includes('from-script') || url.includes('pixel.gif'))).toEqual([]);
    // Opened directly, the HTML part is still sandboxed by its CSP.
    await page.goto(`${origin}/dev/mail/${sink.list()[0].id}/html`, { waitUntil: 'load' });
    await page.waitForTimeout(300);
    expect(await page.title()).not.toBe('owned');
    expect(requested.filter((url) => url.includes('from-script') || url.includes('pixel.gif'))).toEqual([]);
    await page.close();
  });
});
