import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { MailSink } from '@marketplace/kit';
import { TestSubgraph, startTestMailSink, until } from '@marketplace/kit/testing';
import { addressDigest } from './mailer';
import {
  REQUEST_PASSWORD_RESET,
  RESET_SUBJECT,
  VERIFICATION_SUBJECT,
  register,
  startUsers,
  tokenFrom,
  uniqueEmail,
  waitForMail,
} from '../testing';

/**
 * Issue 18, item 11: verification and reset links, tokens included, were logged in every
 * environment. Outside development the log says only which kind of mail went to which
 * address digest; in development the whole mail is logged, since that is how a developer
 * follows the link.
 */

function productionKeys(): Record<string, string> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    SUBGRAPH_SIGNING_SECRET: randomBytes(32).toString('hex'),
    // Data export links (privacy): required in production like the catalog's and licensing's.
    URL_SIGNING_SECRET: randomBytes(32).toString('hex'),
  };
}

/** Registers, asks for a reset, and answers both mails' tokens once they were sent. */
async function registerAndRequestReset(users: TestSubgraph) {
  const email = uniqueEmail('mail-log');
  await register(users, email);
  expect((await users.client.data(REQUEST_PASSWORD_RESET, { variables: { e: email } })).requestPasswordReset).toEqual({
    email,
  });
  const verification = await waitForMail(users, email, VERIFICATION_SUBJECT);
  const reset = await waitForMail(users, email, RESET_SUBJECT);
  return { email, tokens: [tokenFrom(verification), tokenFrom(reset)] };
}

describe.each(['test', 'production'])('with NODE_ENV=%s', (environment) => {
  let users: TestSubgraph;
  // Production refuses to start without SMTP: its mails (tokens included) go to a real SMTP server.
  let sink: MailSink | undefined;
  beforeAll(async () => {
    if (environment === 'production') sink = await startTestMailSink();
    users = await startUsers({
      NODE_ENV: environment,
      ...(environment === 'production' ? { ...productionKeys(), SMTP_URL: sink?.url ?? '' } : {}),
    });
  });
  afterAll(async () => {
    await users?.close();
    await sink?.close();
  });

  it('logs that each mail went out, never its link, token or address', async () => {
    const { email, tokens } = await registerAndRequestReset(users);
    const text = users.logs.text();
    for (const token of tokens) expect(text).not.toContain(token);
    expect(text).not.toContain('token=');
    expect(text).not.toContain('/reset-password');
    expect(text).not.toContain('/verify-email');
    expect(text).not.toContain(email);
    // In production the links went out over SMTP instead.
    if (sink) {
      const outbox = sink;
      const sent = await until(() => {
        const arrived = outbox.list().filter((mail) => mail.envelope.to.includes(email));
        return arrived.length === tokens.length ? arrived : undefined;
      }, 'both mails over SMTP');
      expect(sent.map((mail) => tokenFrom({ text: mail.text ?? '' })).sort()).toEqual([...tokens].sort());
    }
    const mails = users.logs.records().flatMap(({ mail }) => (mail ? [mail] : []));
    expect(mails).toEqual(
      expect.arrayContaining([
        { kind: 'verify-email', to: addressDigest(email) },
        { kind: 'reset-password', to: addressDigest(email) },
      ]),
    );
  });
});

describe('with NODE_ENV=development', () => {
  let users: TestSubgraph;
  beforeAll(async () => {
    users = await startUsers({ NODE_ENV: 'development' });
  });
  afterAll(() => users?.close());

  it('logs the whole mail, so a developer can follow the link', async () => {
    const { email, tokens } = await registerAndRequestReset(users);
    const logged = users.logs
      .records()
      .flatMap(({ mail }) => (mail && (mail as { to?: string }).to === email ? [mail as { text: string }] : []));
    expect(logged.map(tokenFrom)).toEqual(tokens);
    expect(logged[1].text).toContain(`/reset-password?token=${tokens[1]}`);
  });
});
