import { CurrencyCode } from '@marketplace/kit';
import type { MailBrand } from '@marketplace/kit/mail-layout';
import { Paths, formatMoney } from '../notification/notification.text';
import { MAIL_TEMPLATE_SAMPLES } from './mail-template.samples';
import { MAIL_TEMPLATES, MailKind, renderTemplate } from './mail-templates';

/**
 * Every template rendered with sample data: both parts say the same, every link is there and
 * well-formed, nothing is left unfilled, and what users typed (names, reasons) cannot inject
 * markup or headers.
 */
const brand: MailBrand = { appName: 'Agent Market', appUrl: 'https://shop.example/market' };
const SAMPLES = MAIL_TEMPLATE_SAMPLES;
const usd = (amount: number) => ({ amount, currency: CurrencyCode.USD });

/** The href of every link in an HTML part, decoded as a browser would read them. */
const hrefsOf = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map(([, href]) => href.replace(/&amp;/g, '&'));

describe.each(Object.keys(MAIL_TEMPLATES) as MailKind[])('the %s mail', (kind) => {
  it('renders both parts with every figure filled and every link well-formed', async () => {
    const mail = await renderTemplate(kind, SAMPLES[kind] as never, brand);
    const content = MAIL_TEMPLATES[kind](SAMPLES[kind] as never, brand);
    for (const part of [mail.subject, mail.text, mail.html]) {
      expect(part).not.toMatch(/undefined|null|NaN|\[object Object\]|\{\{|\}\}|\$\{/);
    }
    expect(mail.subject.length).toBeGreaterThan(0);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    // The call to action, in both parts, under APP_URL (a path of its own included).
    expect(content.action).toBeDefined();
    expect(content.action!.url.startsWith(`${brand.appUrl}/`)).toBe(true);
    expect(hrefsOf(mail.html)).toContain(content.action!.url);
    expect(mail.text).toContain(content.action!.url);
    for (const href of hrefsOf(mail.html)) expect(new URL(href).protocol).toBe('https:');
    // The same words in both parts.
    for (const paragraph of content.paragraphs) expect(mail.text).toContain(paragraph);
    for (const { value } of content.details ?? []) expect(mail.text).toContain(value);
    // Nothing fetched when the mail is opened: no web fonts, no remote images.
    expect(mail.html).not.toMatch(/fonts\.googleapis|<img /);
  });
});

describe('the notifications mail templates', () => {
  it('leave the account mails to the users subgraph, whose tokens never travel on the event backbone', () => {
    expect(Object.keys(MAIL_TEMPLATES)).not.toContain('verifyEmail');
    expect(Object.keys(MAIL_TEMPLATES)).not.toContain('passwordReset');
  });

  it('format amounts as the in-app notifications do, and link to the same pages under APP_URL', () => {
    expect(formatMoney(usd(123456))).toBe('1234.56 USD');
    expect(formatMoney({ amount: 5, currency: CurrencyCode.EUR })).toBe('0.05 EUR');
    const receipt = MAIL_TEMPLATES.orderReceipt(SAMPLES.orderReceipt, brand);
    expect(receipt.action!.url).toBe(`${brand.appUrl}${Paths.order(SAMPLES.orderReceipt.orderId)}`);
  });
});
