import { CurrencyCode } from '@marketplace/kit';
import { Paths, formatMoney } from '../notification/notification.text';
import { MailBrand, appLink, renderMail } from './mail-layout';
import { MAIL_TEMPLATES, MailData, MailKind, renderTemplate } from './mail-templates';

/**
 * Every template rendered with sample data: both parts say the same, every link is there and
 * well-formed, nothing is left unfilled, and what users typed (names, reasons) cannot inject
 * markup or headers.
 */
const brand: MailBrand = { appName: 'Agent Market', appUrl: 'https://shop.example/market' };
const usd = (amount: number) => ({ amount, currency: CurrencyCode.USD });
const PRODUCT_ID = '7d0e7fcf-0940-4baf-8e3e-b10abe7b3a0b';

const SAMPLES: { [Kind in MailKind]: MailData<Kind> } = {
  verifyEmail: {
    displayName: 'Ada',
    verifyUrl: 'https://shop.example/market/verify-email?token=t0k3n',
    validHours: 48,
  },
  passwordReset: {
    displayName: 'Ada',
    resetUrl: 'https://shop.example/market/reset-password?token=r3s3t',
    validMinutes: 30,
  },
  welcome: { displayName: 'Ada' },
  orderReceipt: {
    displayName: 'Ada',
    orderId: '4b7e2c1a-0000-4000-8000-000000000001',
    orderNumber: 'MP-000123',
    total: usd(4998),
    lines: [
      {
        productName: 'Inbox Triage Agent',
        unitPrice: usd(2999),
        licenseKey: 'MKT1.eyJsaWQiOiJhIn0.c2ln',
        downloadUrl: 'https://shop.example/market/downloads/d1',
      },
      { productName: 'CSV Cleaner', unitPrice: usd(1999), licenseKey: 'MKT1.eyJsaWQiOiJiIn0.c2ln' },
    ],
  },
  paymentFailed: {
    displayName: 'Ada',
    orderId: '4b7e2c1a-0000-4000-8000-000000000002',
    orderNumber: 'MP-000124',
    total: usd(1999),
    reason: 'Your card was declined.',
  },
  refundIssued: {
    displayName: 'Ada',
    orderId: '4b7e2c1a-0000-4000-8000-000000000003',
    orderNumber: 'MP-000125',
    amount: usd(1999),
  },
  licenseRevoked: {
    displayName: 'Ada',
    productName: 'CSV Cleaner',
    orderNumber: 'MP-000125',
    reason: 'The order was refunded.',
  },
  vendorApproved: { displayName: 'Grace', vendorName: 'Acme Agents' },
  vendorRejected: { displayName: 'Grace', vendorName: 'Acme Agents', reason: 'Add a description of what you sell.' },
  productApproved: {
    displayName: 'Grace',
    productId: PRODUCT_ID,
    productName: 'Inbox Triage Agent',
    productSlug: 'inbox-triage-agent',
  },
  productRejected: {
    displayName: 'Grace',
    productId: PRODUCT_ID,
    productName: 'Inbox Triage Agent',
    productSlug: 'inbox-triage-agent',
    reason: 'The artifact is missing.',
  },
  newSale: {
    displayName: 'Grace',
    productName: 'Inbox Triage Agent',
    orderNumber: 'MP-000123',
    gross: usd(2999),
    commission: usd(450),
    net: usd(2549),
  },
  payoutPaid: { displayName: 'Grace', payoutId: 'Payout:1', amount: usd(120000) },
  payoutRejected: {
    displayName: 'Grace',
    payoutId: 'Payout:2',
    amount: usd(5000),
    reason: 'Bank details do not match.',
  },
  vendorDisputeOpened: {
    displayName: 'Grace',
    orderNumber: 'MP-000123',
    amount: usd(2999),
    reason: 'fraudulent',
    evidenceDueBy: '2026-12-20',
  },
  vendorApplication: { vendorName: 'Acme Agents', applicantEmail: 'grace@acme.example' },
  productSubmitted: { productName: 'Inbox Triage Agent', vendorName: 'Acme Agents' },
  adminDisputeOpened: {
    orderId: '4b7e2c1a-0000-4000-8000-000000000001',
    orderNumber: 'MP-000123',
    amount: usd(2999),
    reason: 'fraudulent',
  },
  eventDeadLettered: {
    subgraph: 'licensing',
    eventType: 'order.paid',
    handler: 'issue-licenses',
    lastError: 'signing key unavailable',
    attempts: 5,
  },
};

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

describe('the mail layout', () => {
  it('escapes what users typed, and keeps a subject on one line', async () => {
    const mail = await renderMail(
      {
        subject: 'Product <b>x</b>\r\nBcc: victim@example.com',
        preheader: 'p',
        greeting: 'Hi <script>alert(1)</script>,',
        paragraphs: ['"quoted" & <i>tagged</i>'],
        details: [{ label: 'Reason', value: '<img src=x onerror=alert(1)>' }],
        action: { label: 'Go', url: 'https://shop.example/a?b=1&c="2"' },
      },
      brand,
    );
    expect(mail.subject).toBe('Product <b>x</b> Bcc: victim@example.com');
    expect(mail.html).not.toMatch(/<script>|<img |<i>tagged/);
    expect(mail.html).toContain('&lt;script&gt;');
    expect(hrefsOf(mail.html)).toContain('https://shop.example/a?b=1&c=&quot;2&quot;');
    expect(mail.text).toContain('Hi <script>alert(1)</script>,'); // plain text is shown as text
  });

  it('adds the unsubscribe link only to mail a recipient may turn off', async () => {
    const content = MAIL_TEMPLATES.welcome({ displayName: 'Ada' }, brand);
    const unsubscribeUrl = 'https://shop.example/market/unsubscribe?token=u1';
    const optional = await renderMail(content, { ...brand, unsubscribeUrl });
    expect(hrefsOf(optional.html)).toContain(unsubscribeUrl);
    expect(optional.text).toContain(unsubscribeUrl);
    const transactional = await renderMail(content, brand);
    expect(transactional.html).not.toMatch(/unsubscribe/i);
  });

  it('formats amounts as the in-app notifications do, and builds their links under APP_URL', () => {
    expect(formatMoney(usd(123456))).toBe('1234.56 USD');
    expect(formatMoney({ amount: 5, currency: CurrencyCode.EUR })).toBe('0.05 EUR');
    const receipt = MAIL_TEMPLATES.orderReceipt(SAMPLES.orderReceipt, brand);
    expect(receipt.action!.url).toBe(`${brand.appUrl}${Paths.order(SAMPLES.orderReceipt.orderId)}`);
    expect(appLink('https://shop.example/market', '/orders/Order:1', { tab: 'licenses & keys' })).toBe(
      'https://shop.example/market/orders/Order:1?tab=licenses+%26+keys',
    );
    expect(appLink('http://localhost:3000/', 'products')).toBe('http://localhost:3000/products');
  });
});
