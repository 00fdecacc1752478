import { MailBrand, MailContent, appLink, renderMail } from './mail-layout';

/**
 * The layout every mail shares (the notifications' templates and the users' account mails):
 * both parts from the same blocks, what users typed escaped, subjects on one line, links under APP_URL.
 */
const brand: MailBrand = { appName: 'Agent Market', appUrl: 'https://shop.example/market' };

const content: MailContent = {
  subject: 'Your order',
  preheader: 'It is ready.',
  greeting: 'Hi Ada,',
  paragraphs: ['Your order is ready.', 'Thank you.'],
  details: [
    { label: 'Order', value: 'MP-000123' },
    { label: 'Total paid', value: '49.98 USD' },
  ],
  table: [
    ['Product', 'License key'],
    ['Inbox Triage Agent', 'MKT1.a'],
  ],
  action: { label: 'Open the order', url: 'https://shop.example/market/orders/1' },
  afterAction: ['The link works for a year.'],
};

/** The href of every link in an HTML part, decoded as a browser would read them. */
const hrefsOf = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map(([, href]) => href.replace(/&amp;/g, '&'));

describe('renderMail', () => {
  it('renders every block in both parts, the brand in header and footer', async () => {
    const mail = await renderMail(content, brand);
    expect(mail.subject).toBe('Your order');
    expect(mail.html).toMatch(/^<!doctype html>/i);
    expect(mail.html).toContain('<title>Your order</title>');
    for (const part of [mail.html, mail.text]) {
      for (const words of ['Hi Ada,', 'Your order is ready.', 'MP-000123', 'MKT1.a', 'The link works for a year.'])
        expect(part).toContain(words);
      expect(part).toContain('Agent Market');
      expect(part).not.toMatch(/undefined|\[object|\$\{/);
    }
    expect(hrefsOf(mail.html)).toEqual(expect.arrayContaining([content.action!.url, brand.appUrl]));
    expect(mail.text).toContain(`Open the order: ${content.action!.url}`);
    expect(mail.text).toContain('Product: Inbox Triage Agent · License key: MKT1.a');
    expect(mail.text.endsWith(`--\nAgent Market · ${brand.appUrl}\n`)).toBe(true);
    // Nothing fetched when the mail is opened: no web fonts, no remote images.
    expect(mail.html).not.toMatch(/fonts\.googleapis|<img /);
  });

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
      { ...brand, appName: 'Shop <b>&</b>' },
    );
    expect(mail.subject).toBe('Product <b>x</b> Bcc: victim@example.com');
    expect(mail.html).not.toMatch(/<script>|<img |<i>tagged|<b>/);
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.html).toContain('Shop &lt;b&gt;&amp;&lt;/b&gt;');
    expect(hrefsOf(mail.html)).toContain('https://shop.example/a?b=1&c=&quot;2&quot;');
    expect(mail.text).toContain('Hi <script>alert(1)</script>,'); // plain text is shown as text
  });

  it('adds the unsubscribe link only to mail a recipient may turn off', async () => {
    const unsubscribeUrl = 'https://shop.example/market/unsubscribe?token=u1';
    const optional = await renderMail(content, { ...brand, unsubscribeUrl });
    expect(hrefsOf(optional.html)).toContain(unsubscribeUrl);
    expect(optional.text).toContain(`Unsubscribe from these emails: ${unsubscribeUrl}`);
    const transactional = await renderMail(content, brand);
    expect(transactional.html).not.toMatch(/unsubscribe/i);
    expect(transactional.text).not.toMatch(/unsubscribe/i);
  });
});

describe('appLink', () => {
  it('builds links under APP_URL, keeping a path of its own and encoding the query', () => {
    expect(appLink('https://shop.example/market', '/orders/Order:1', { tab: 'licenses & keys' })).toBe(
      'https://shop.example/market/orders/Order:1?tab=licenses+%26+keys',
    );
    expect(appLink('https://shop.example/market/', 'verify-email', { token: 'a_b-c' })).toBe(
      'https://shop.example/market/verify-email?token=a_b-c',
    );
    expect(appLink('http://localhost:3000/', 'products')).toBe('http://localhost:3000/products');
    expect(appLink('http://localhost:3000', '/products')).toBe('http://localhost:3000/products');
  });
});
