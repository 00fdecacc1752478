import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MailSink,
  createMailTransport,
  envReader,
  loadSubgraphSigningSecret,
  loadTokenKeys,
  readCommonConfig,
} from '@marketplace/kit';
import { startTestMailSink } from '@marketplace/kit/testing';
import { createProbeSubgraph } from '../testing/fixture-subgraph';
import { jsonOf, rawRequest } from '../testing/raw-request';
import { TestGateway, composeSupergraph, startTestGateway } from '../testing/stack';

/**
 * Issue 21: the development mailbox at /dev/mail lists, previews and shows the raw source of
 * what the SMTP sink received. A mail's HTML is hostile (it comes from whoever sends mail):
 * it is shown sandboxed, unable to run scripts. Without a mailbox, or in production: no route.
 */
const HOSTILE_HTML =
  '<p>Hello <b>buyer</b></p><script>window.parent.document.title = "owned"</script><img src="https://tracker.example/p.gif">';

describe('the development mailbox', () => {
  let dataDir: string;
  let supergraphSdl: string;
  let sink: MailSink;
  let withMailbox: TestGateway;
  let messageId: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gateway-mail-'));
    // The routes under test call no subgraph: a supergraph naming an unused port is enough.
    supergraphSdl = await composeSupergraph(createProbeSubgraph().module, 'http://127.0.0.1:9/graphql');
    sink = await startTestMailSink();
    withMailbox = await startTestGateway(supergraphSdl, dataDir, {}, { mailbox: sink });
    const transport = createMailTransport({ smtpUrl: sink.url, from: '"Marketplace" <no-reply@marketplace.local>' });
    try {
      await transport.send({ to: 'first@example.com', subject: 'First', text: 'one' });
      ({ messageId } = await transport.send({
        to: 'buyer@example.com',
        subject: 'Your <receipt>',
        text: 'Plain part: https://app.example/orders/1',
        html: HOSTILE_HTML,
      }));
    } finally {
      await transport.close();
    }
    await sink.waitFor((mail) => mail.messageId === messageId);
  });
  afterAll(async () => {
    await withMailbox?.close();
    await sink?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string, accept = 'text/html') =>
    rawRequest(withMailbox.gateway.url, { path, headers: { accept } });
  const newest = () => sink.list()[0];

  it('lists mails newest first, as JSON when asked', async () => {
    const answer = await get('/dev/mail', 'application/json');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const { mails } = jsonOf<{ mails: { id: string; to: string[]; subject: string; date: string }[] }>(answer);
    expect(mails.map((mail) => mail.subject)).toEqual(['Your <receipt>', 'First']);
    expect(mails[0]).toMatchObject({ id: newest().id, to: ['buyer@example.com'] });
    expect(mails[0]).not.toHaveProperty('html');
  });

  it('lists them as an HTML page, escaped, with helmet headers and no script allowed', async () => {
    const answer = await get('/dev/mail');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(answer.text).toContain(`href="/dev/mail/${newest().id}"`);
    expect(answer.text).toContain('Your &lt;receipt&gt;');
    expect(answer.text).toContain('buyer@example.com');
    expect(answer.text.indexOf('Your &lt;receipt&gt;')).toBeLessThan(answer.text.indexOf('First'));
    expect(answer.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });
    const csp = String(answer.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('previews a mail: its HTML in a sandboxed iframe (no scripts), its text part escaped', async () => {
    const { id } = newest();
    const answer = await get(`/dev/mail/${id}`);
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(new RegExp(`<iframe sandbox src="/dev/mail/${id}/html"`));
    expect(answer.text).not.toMatch(/sandbox="[^"]*allow-scripts/);
    expect(answer.text).not.toContain('<script');
    expect(answer.text).toContain('Plain part: https://app.example/orders/1');
    const csp = String(answer.headers['content-security-policy']);
    expect(csp).toContain("frame-src 'self'");
    expect(csp).not.toContain('script-src');
  });

  it("serves the mail's own HTML under a CSP sandbox that runs no script and loads nothing", async () => {
    const answer = await get(`/dev/mail/${newest().id}/html`);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(HOSTILE_HTML);
    const csp = String(answer.headers['content-security-policy']);
    expect(csp.split(/;\s*/)).toEqual(expect.arrayContaining(['sandbox', "default-src 'none'", 'img-src data:']));
    expect(csp).not.toMatch(/allow-scripts|script-src/);
    // Framed by the preview only.
    expect(csp).toContain("frame-ancestors 'self'");
    expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers one mail as JSON when asked', async () => {
    const answer = await get(`/dev/mail/${newest().id}`, 'application/json');
    expect(jsonOf(answer)).toMatchObject({ id: newest().id, html: HOSTILE_HTML, subject: 'Your <receipt>' });
  });

  it('serves the raw source as text/plain', async () => {
    const answer = await get(`/dev/mail/${newest().id}/raw`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(answer.text).toContain(`Message-ID: ${messageId}`);
    expect(answer.text).toBe(sink.raw(newest().id)?.toString());
  });

  it('answers a mail without an HTML part: 404 for its HTML, a preview without iframe', async () => {
    const first = sink.list()[1];
    expect((await get(`/dev/mail/${first.id}/html`)).status).toBe(404);
    const preview = await get(`/dev/mail/${first.id}`);
    expect(preview.status).toBe(200);
    expect(preview.text).not.toContain('<iframe');
  });

  const unknown = '00000000-0000-4000-8000-000000000000';
  it.each([
    ['an unknown id', `/dev/mail/${unknown}`],
    ["an unknown id's raw source", `/dev/mail/${unknown}/raw`],
    ["an unknown id's HTML", `/dev/mail/${unknown}/html`],
    ['an id of another shape', '/dev/mail/not-an-id'],
    ['a path traversal', '/dev/mail/..%2f..%2fetc%2fpasswd/raw'],
    ['a broken percent-encoding', '/dev/mail/%E0%A4%A'],
    ['a 5000-character id', `/dev/mail/${'9'.repeat(5000)}`],
    ['__proto__', '/dev/mail/__proto__'],
    ['constructor', '/dev/mail/constructor/raw'],
  ])('%s: a JSON 4xx, never a 500', async (_what, path) => {
    const answer = await get(path, 'application/json');
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('unknown ids are 404 NOT_FOUND', async () => {
    const answer = await get(`/dev/mail/${unknown}`);
    expect(answer.status).toBe(404);
    expect(jsonOf(answer).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  describe('is absent', () => {
    const absent = async (gateway: TestGateway) => {
      for (const path of ['/dev/mail', `/dev/mail/${newest().id}`, `/dev/mail/${newest().id}/raw`]) {
        const answer = await rawRequest(gateway.gateway.url, { path });
        expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      }
    };

    it('without a mailbox', async () => {
      const gateway = await startTestGateway(supergraphSdl, dataDir);
      try {
        await absent(gateway);
      } finally {
        await gateway.close();
      }
    });

    it('in production, even when given one', async () => {
      const config = readCommonConfig(envReader({ ...process.env, DATA_DIR: dataDir }));
      const gateway = await startTestGateway(
        supergraphSdl,
        dataDir,
        {
          NODE_ENV: 'production',
          JWT_PUBLIC_KEY: loadTokenKeys(config).publicKeyPem,
          SUBGRAPH_SIGNING_SECRET: loadSubgraphSigningSecret(config),
          PROBE_URL: 'http://127.0.0.1:9/graphql',
        },
        { mailbox: sink },
      );
      try {
        await absent(gateway);
      } finally {
        await gateway.close();
      }
    });
  });
});
