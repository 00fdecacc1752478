import { MailBrand, RenderedMail, appLink, renderMail } from '@marketplace/kit/mail-layout';
import { accountMailTemplates } from './account-mail.templates';

/**
 * The verification and reset mails through the kit's layout, as every other mail: both parts
 * carry the one-time link, nothing is left unfilled, and the display name (the user's own text)
 * cannot inject markup or headers.
 */
const brand: MailBrand = { appName: 'Agent Market', appUrl: 'https://shop.example/market' };
const TOKEN = 'vT0k3n_-abc';

/** The href of every link in an HTML part, decoded as a browser would read them. */
const hrefsOf = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map(([, href]) => href.replace(/&amp;/g, '&'));

const render = {
  verifyEmail: (displayName: string) =>
    renderMail(
      accountMailTemplates.verifyEmail(
        { displayName, verifyUrl: appLink(brand.appUrl, '/verify-email', { token: TOKEN }), validHours: 48 },
        brand,
      ),
      brand,
    ),
  passwordReset: (displayName: string) =>
    renderMail(
      accountMailTemplates.passwordReset(
        { displayName, resetUrl: appLink(brand.appUrl, '/reset-password', { token: TOKEN }), validMinutes: 60 },
        brand,
      ),
      brand,
    ),
};

const expected = {
  verifyEmail: {
    subject: 'Confirm your email address for Agent Market',
    link: `https://shop.example/market/verify-email?token=${TOKEN}`,
    validity: 'The link works once, for 48 hours.',
  },
  passwordReset: {
    subject: 'Reset your Agent Market password',
    link: `https://shop.example/market/reset-password?token=${TOKEN}`,
    validity: 'The link works once, for 60 minutes.',
  },
};

describe.each(['verifyEmail', 'passwordReset'] as const)('the %s mail', (kind) => {
  let mail: RenderedMail;
  beforeAll(async () => {
    mail = await render[kind]('Ada');
  });

  it('carries the one-time link in both parts, once, under APP_URL', () => {
    const { link } = expected[kind];
    expect(hrefsOf(mail.html).filter((href) => href.includes('token='))).toEqual([link]);
    expect(mail.text).toContain(link);
    expect(mail.text.split(TOKEN)).toHaveLength(2);
  });

  it('fills every part, in the shared layout, with nothing left unfilled', () => {
    expect(mail.subject).toBe(expected[kind].subject);
    for (const part of [mail.subject, mail.text, mail.html]) {
      expect(part).not.toMatch(/undefined|null|NaN|\[object|\{\{|\}\}|\$\{/);
    }
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('Hi Ada,');
      expect(part).toContain(expected[kind].validity);
      expect(part).toContain('Agent Market');
    }
    expect(mail.html).toMatch(/^<!doctype html>/i);
    expect(mail.text.endsWith(`--\nAgent Market · ${brand.appUrl}\n`)).toBe(true);
    // Transactional: never an unsubscribe link; nothing fetched when opened.
    expect(`${mail.html}${mail.text}`).not.toMatch(/unsubscribe/i);
    expect(mail.html).not.toMatch(/fonts\.googleapis|<img /);
  });

  it('escapes a hostile display name in the HTML part, and keeps it as text in the text part', async () => {
    const hostile = await render[kind]('<script>alert(1)</script> "Eve" & <b>co</b>');
    expect(hostile.html).not.toMatch(/<script>|<b>co/);
    expect(hostile.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;Eve&quot; &amp; &lt;b&gt;co&lt;/b&gt;');
    expect(hostile.text).toContain('Hi <script>alert(1)</script> "Eve" & <b>co</b>,');
    // The name is not in the subject, so it cannot add a header either.
    expect(hostile.subject).toBe(expected[kind].subject);
  });
});
