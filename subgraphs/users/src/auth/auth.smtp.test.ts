import { AddressInfo, createServer } from 'node:net';
import { ConfigError, MailSink, ReceivedMail, envReader, startMailSink } from '@marketplace/kit';
import { TestSubgraph, startTestMailSink, until } from '@marketplace/kit/testing';
import { readUsersConfig } from '../config';
import {
  LOGIN,
  ME,
  REGISTER,
  REQUEST_PASSWORD_RESET,
  RESET_PASSWORD,
  RESET_SUBJECT,
  STRONG_PASSWORD,
  Session,
  VERIFICATION_SUBJECT,
  VERIFY,
  startUsers,
  tokenFrom,
  uniqueEmail,
} from '../testing';

/**
 * Issue 21: with SMTP_URL set, account emails leave through a real SMTP server (here the
 * kit's sink), in the layout every mail shares; the link in the mail that arrived works.
 * Without it, production refuses to start.
 */
function mailTo(sink: MailSink, email: string, subject: string): Promise<ReceivedMail> {
  return sink.waitFor((mail) => mail.envelope.to.includes(email) && mail.subject === subject, 15_000);
}

/** The one token link of the HTML part (its button), as a browser reads the attribute. */
function htmlLink(mail: ReceivedMail): string {
  const links = [...(mail.html ?? '').matchAll(/href="([^"]*token=[^"]*)"/g)].map(([, href]) =>
    href.replace(/&amp;/g, '&'),
  );
  if (links.length !== 1) throw new Error(`not one token link in the HTML part: ${mail.html}`);
  return links[0];
}

/** Both parts rendered through the kit's MJML layout, with nothing left unfilled. */
function expectLayout(mail: ReceivedMail, link: string) {
  expect(mail.html).toMatch(/^<!doctype html>/i);
  expect(mail.html).toContain('<title>');
  expect(mail.text).toContain(link);
  for (const part of [mail.subject, mail.text, mail.html]) {
    expect(part).toContain('Marketplace');
    expect(part).not.toMatch(/undefined|\[object|\$\{|NaN/);
  }
  expect(mail.text).toContain('--\nMarketplace · http://localhost:3000');
}

describe('account emails over SMTP', () => {
  let sink: MailSink;
  let users: TestSubgraph;
  beforeAll(async () => {
    sink = await startTestMailSink();
    users = await startUsers({ SMTP_URL: sink.url, MAIL_FROM: '"Marketplace test" <accounts@marketplace.test>' });
  });
  afterAll(async () => {
    await users?.close();
    await sink?.close();
  });

  it('registering sends the verification mail; its link verifies the address', async () => {
    const email = uniqueEmail('smtp-verify');
    const { register } = await users.client.data<{ register: Session }>(REGISTER, {
      variables: { input: { email, password: STRONG_PASSWORD, displayName: 'Smtp <Tester>' } },
      headers: { 'x-client-ip': '10.21.0.1' },
    });
    const mail = await mailTo(sink, email, VERIFICATION_SUBJECT);
    expect(mail).toMatchObject({ from: '"Marketplace test" <accounts@marketplace.test>', to: [email] });
    expect(mail.headers['x-marketplace-mail']).toBe('verify-email');
    const token = tokenFrom({ text: mail.text ?? '' });
    const link = `http://localhost:3000/verify-email?token=${token}`;
    expect(htmlLink(mail)).toBe(link);
    expectLayout(mail, link);
    expect(mail.text).toContain('Hi Smtp <Tester>,');
    expect(mail.text).toContain('The link works once, for 48 hours.');
    // The display name is the user's own text: escaped in the HTML part, never markup.
    expect(mail.html).toContain('Smtp &lt;Tester&gt;');
    expect(mail.html).not.toContain('<Tester>');

    const verified = await users.client.data<{ verifyEmail: { user: { id: string; emailVerified: boolean } } }>(
      VERIFY,
      {
        variables: { t: token },
      },
    );
    expect(verified.verifyEmail.user).toEqual({ id: register.user.id, emailVerified: true });
    const me = await users.client.data<{ me: { emailVerified: boolean } }>(ME, { token: register.accessToken });
    expect(me.me.emailVerified).toBe(true);
  });

  it('a password reset mail carries a token that sets the new password', async () => {
    const email = uniqueEmail('smtp-reset');
    await users.client.data(REGISTER, {
      variables: { input: { email, password: STRONG_PASSWORD, displayName: 'Reset Tester' } },
      headers: { 'x-client-ip': '10.21.0.2' },
    });
    await users.client.data(REQUEST_PASSWORD_RESET, { variables: { e: email } });
    const mail = await mailTo(sink, email, RESET_SUBJECT);
    expect(mail.headers['x-marketplace-mail']).toBe('reset-password');
    const token = tokenFrom({ text: mail.text ?? '' });
    const link = `http://localhost:3000/reset-password?token=${token}`;
    expect(htmlLink(mail)).toBe(link);
    expectLayout(mail, link);
    expect(mail.text).toContain('The link works once, for 60 minutes.');
    const newPassword = 'a brand new passphrase for smtp';
    await users.client.data(RESET_PASSWORD, { variables: { t: token, p: newPassword } });
    const login = await users.client.request(LOGIN, {
      variables: { input: { email, password: newPassword } },
      headers: { 'x-client-ip': '10.21.0.3' },
    });
    expect(login.errors).toBeUndefined();
  });
});

describe('when the SMTP server cannot be reached', () => {
  let users: TestSubgraph;
  let port: number;
  let sink: MailSink | undefined;
  beforeAll(async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    users = await startUsers({
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_POLL_MS: '100',
      MAIL_RETRY_BASE_MS: '200',
      MAIL_RETRY_MAX_MS: '400',
    });
  });
  afterAll(async () => {
    await users?.close();
    await sink?.close();
  });

  it('a reset request still answers; the mail waits, logged without its token, and goes out once the server is back', async () => {
    const email = uniqueEmail('smtp-down');
    await users.client.data(REGISTER, {
      variables: { input: { email, password: STRONG_PASSWORD, displayName: 'Down Tester' } },
      headers: { 'x-client-ip': '10.21.0.4' },
    });
    const answer = await users.client.data<{ requestPasswordReset: { email: string } }>(REQUEST_PASSWORD_RESET, {
      variables: { e: email },
    });
    expect(answer.requestPasswordReset).toEqual({ email });
    const failure = await until(
      () =>
        users.logs
          .records()
          .find((record) => record.msg === 'mail: delivery failed; will retry' && record.kind === 'reset-password'),
      'the delivery failure in the log',
    );
    expect(JSON.stringify(failure)).not.toContain('token=');
    expect(users.logs.text()).not.toContain('/reset-password?token=');

    sink = await startMailSink({ port, host: '127.0.0.1' });
    const mail = await mailTo(sink, email, RESET_SUBJECT);
    const token = tokenFrom({ text: mail.text ?? '' });
    await users.client.data(RESET_PASSWORD, { variables: { t: token, p: `${STRONG_PASSWORD}!` } });
  });
});

describe('readUsersConfig: SMTP_URL', () => {
  it('is required in production, where account emails would otherwise only reach the log', () => {
    expect(() => readUsersConfig(envReader({ NODE_ENV: 'production' }))).toThrow(ConfigError);
    expect(() => readUsersConfig(envReader({ NODE_ENV: 'production' }))).toThrow(
      /^config: SMTP_URL is required in production \(without it account emails only reach the log\)$/,
    );
    expect(readUsersConfig(envReader({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail:587' })).mail).toEqual({
      smtpUrl: 'smtp://mail:587',
      from: '"Marketplace" <no-reply@marketplace.local>',
      appName: 'Marketplace',
    });
  });

  it.each(['development', 'test'])('is optional with NODE_ENV=%s (the log transport)', (environment) => {
    expect(readUsersConfig(envReader({ NODE_ENV: environment })).mail.smtpUrl).toBeUndefined();
  });

  it('must be an smtp:// or smtps:// URL', () => {
    expect(() => readUsersConfig(envReader({ SMTP_URL: 'http://mail' }))).toThrow(/^config: SMTP_URL must use smtp/);
  });
});
