import { AddressInfo, Socket, createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { ConfigError, envReader } from '../config';
import { startTestMailSink } from '../testing/mail-sink';
import { DEFAULT_APP_NAME, DEFAULT_MAIL_FROM, readMailConfig } from './mail-config';
import type { MailSink } from './mail-sink';
import { MailDeliveryError, createMailTransport } from './mail-transport';

describe('readMailConfig', () => {
  it('SMTP_URL is optional; MAIL_FROM and APP_NAME default to the marketplace no-reply address and name', () => {
    expect(readMailConfig(envReader({}))).toEqual({
      smtpUrl: undefined,
      from: DEFAULT_MAIL_FROM,
      appName: DEFAULT_APP_NAME,
    });
    expect(DEFAULT_MAIL_FROM).toBe('"Marketplace" <no-reply@marketplace.local>');
    expect(DEFAULT_APP_NAME).toBe('Marketplace');
    expect(
      readMailConfig(
        envReader({
          SMTP_URL: 'smtps://u:p@mail.example.com:465',
          MAIL_FROM: 'shop@example.com',
          APP_NAME: 'Agent Market',
        }),
      ),
    ).toEqual({ smtpUrl: 'smtps://u:p@mail.example.com:465', from: 'shop@example.com', appName: 'Agent Market' });
  });

  it.each([
    ['http://mail.example.com', /^config: SMTP_URL must use smtp or smtps:\/\//],
    ['not a url', /^config: SMTP_URL must be a URL/],
  ])('refuses SMTP_URL=%s', (value, message) => {
    expect(() => readMailConfig(envReader({ SMTP_URL: value }))).toThrow(ConfigError);
    expect(() => readMailConfig(envReader({ SMTP_URL: value }))).toThrow(message);
  });

  it('never prints the password of a refused SMTP_URL', () => {
    expect(() => readMailConfig(envReader({ SMTP_URL: 'smtp://user:secret@[bad' }))).toThrow(/user:\*\*\*@/);
  });
});

describe('MailTransport through a real SMTP sink', () => {
  let sink: MailSink;
  beforeAll(async () => {
    sink = await startTestMailSink({ maxMessages: 3, maxMessageBytes: 64 * 1024 });
  });
  afterAll(() => sink.close());

  it('delivers text, HTML and extra headers, which the sink parses', async () => {
    const transport = createMailTransport({ smtpUrl: sink.url, from: DEFAULT_MAIL_FROM });
    try {
      const { messageId } = await transport.send({
        to: 'buyer@example.com',
        subject: 'Your receipt — order #1',
        text: 'Thanks for your order.\nhttps://app.example.com/orders/1',
        html: '<p>Thanks for your <b>order</b>.</p>',
        headers: { 'List-Unsubscribe': '<https://app.example.com/u/abc>', 'X-Marketplace-Kind': 'receipt' },
      });
      expect(messageId).toMatch(/^<.+@.+>$/);
      const mail = await sink.waitFor((m) => m.messageId === messageId);
      expect(mail).toMatchObject({
        envelope: { from: 'no-reply@marketplace.local', to: ['buyer@example.com'] },
        from: '"Marketplace" <no-reply@marketplace.local>',
        to: ['buyer@example.com'],
        subject: 'Your receipt — order #1',
        text: 'Thanks for your order.\nhttps://app.example.com/orders/1',
        html: '<p>Thanks for your <b>order</b>.</p>',
      });
      expect(mail.headers['list-unsubscribe']).toBe('<https://app.example.com/u/abc>');
      expect(mail.headers['x-marketplace-kind']).toBe('receipt');
      expect(Date.parse(mail.date as string)).not.toBeNaN();
      expect(sink.get(mail.id)).toEqual(mail);
      const raw = sink.raw(mail.id)?.toString('utf8') ?? '';
      expect(raw).toMatch(/^Subject: /m);
      expect(raw).toContain('X-Marketplace-Kind: receipt');
      expect(mail.size).toBe(Buffer.byteLength(raw));
    } finally {
      await transport.close();
    }
  });

  it('keeps the newest mails only, listed newest first', async () => {
    const transport = createMailTransport({ smtpUrl: sink.url, from: 'a@example.com' });
    try {
      for (const n of [1, 2, 3, 4]) await transport.send({ to: 'x@example.com', subject: `n${n}`, text: 'hi' });
    } finally {
      await transport.close();
    }
    expect(sink.list().map((mail) => mail.subject)).toEqual(['n4', 'n3', 'n2']);
    expect(sink.get('no-such-id')).toBeUndefined();
    expect(sink.raw('no-such-id')).toBeUndefined();
  });

  it('drops the oldest mails when their raw bytes exceed the budget, whatever their count', async () => {
    const small = await startTestMailSink({ maxMessages: 100, maxTotalBytes: 6 * 1024 });
    const transport = createMailTransport({ smtpUrl: small.url, from: 'a@example.com' });
    try {
      for (const n of [1, 2, 3, 4]) {
        await transport.send({ to: 'x@example.com', subject: `b${n}`, text: 'y'.repeat(2_000) });
      }
      const kept = small.list();
      expect(kept[0].subject).toBe('b4');
      expect(kept.length).toBeLessThan(4);
      expect(kept.reduce((sum, mail) => sum + mail.size, 0)).toBeLessThanOrEqual(6 * 1024);
    } finally {
      await transport.close();
      await small.close();
    }
  });

  it('waitFor answers a mail that arrives later, and gives up after its timeout', async () => {
    const waiting = sink.waitFor((mail) => mail.subject === 'later', 5_000);
    const transport = createMailTransport({ smtpUrl: sink.url, from: 'a@example.com' });
    await transport.send({ to: 'x@example.com', subject: 'later', text: 'hi' }).finally(() => transport.close());
    await expect(waiting).resolves.toMatchObject({ subject: 'later' });
    await expect(sink.waitFor((mail) => mail.subject === 'never', 50)).rejects.toThrow(/no matching mail within 50 ms/);
  });

  it('refuses a message over its size limit with 552, which the send rejects with', async () => {
    const transport = createMailTransport({ smtpUrl: sink.url, from: 'a@example.com' });
    const before = sink.list().length;
    const error = await transport
      .send({ to: 'x@example.com', subject: 'big', text: 'x'.repeat(100 * 1024) })
      .finally(() => transport.close())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error).toMatchObject({ responseCode: 552, permanent: true });
    expect((error as MailDeliveryError).response).toMatch(/^552 /);
    expect(sink.list()).toHaveLength(before);
  });
});

describe('MailTransport against a server that refuses', () => {
  it('rejects with the server answer when the recipient is refused', async () => {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        callback(Object.assign(new Error(`5.1.1 <${address.address}>: mailbox unavailable`), { responseCode: 550 }));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    const transport = createMailTransport({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'a@example.com' });
    try {
      const error = await transport.send({ to: 'gone@example.com', subject: 's', text: 't' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailDeliveryError);
      expect(error).toMatchObject({ code: 'EENVELOPE', responseCode: 550, permanent: true });
      expect((error as Error).message).toContain('550 5.1.1 <gone@example.com>: mailbox unavailable');
    } finally {
      await transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('rejects (not permanent) when nothing listens on the port', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const transport = createMailTransport({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'a@example.com' });
    const error = await transport
      .send({ to: 'x@example.com', subject: 's', text: 't' })
      .finally(() => transport.close())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error).toMatchObject({ responseCode: undefined, permanent: false });
    expect((error as MailDeliveryError).code).toBeDefined();
  });

  it('rejects when the server answers too slowly', async () => {
    // Accepts the connection and never greets.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const transport = createMailTransport({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      from: 'a@example.com',
      timeoutMs: 200,
    });
    try {
      const error = await transport.send({ to: 'x@example.com', subject: 's', text: 't' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailDeliveryError);
      expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    } finally {
      await transport.close();
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
