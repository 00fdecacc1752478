import { randomBytes, randomUUID } from 'node:crypto';
import { Events, Role, UrlTokenSigner } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, person } from '@marketplace/kit/testing';
import { REVERSE_CHARGE_NOTE } from '../invoice/invoice.rules';
import { billingOf, fetchPdf, line, orderPaid, pdfText, startBilling } from '../testing';
import { BILLING_DOCUMENT_PURPOSE } from './document.links';
import { printable } from './document.routes';
import { renderDocumentPdf } from './document.pdf';

/** `GET /invoices/:token`: the PDF behind `pdfUrl`, rendered from the snapshot; refusals on bad links. */
const SECRET = randomBytes(32);
let billing: TestSubgraph;
beforeAll(async () => {
  billing = await startBilling({
    URL_SIGNING_SECRET: SECRET.toString('hex'),
    INVOICE_LINK_TTL_SECONDS: '120',
    SELLER_NAME: 'Agents Market Ltd',
    SELLER_ADDRESS: '2 Grand Canal Quay\\nDublin 2',
    SELLER_VAT_ID: 'IE 9876543 W',
  });
});
afterAll(() => billing.close());

const buyer = person();
let links: { invoice: string; creditNote: string; invoiceNumber: string; creditNoteNumber: string };
beforeAll(async () => {
  const paid = orderPaid(
    buyer.id,
    [line(randomUUID(), 'Research Agent', 123_456, 23_456, 0), line(randomUUID(), 'Mail Tool', 4_999, 0, 0)],
    {
      name: 'Jan Jansen',
      businessName: 'Jansen BV',
      vatId: 'NL123456789B01',
      country: 'NL',
      address: { line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG' },
      reverseCharge: true,
    },
  );
  await deliverEvent(billing, Events.OrderPaid, paid);
  await deliverEvent(billing, Events.PaymentPartiallyRefunded, {
    paymentId: paid.paymentId,
    orderId: paid.orderId,
    amount: paid.total,
    providerRef: 'pi_test',
    refundId: randomUUID(),
    refunded: paid.items[1].total!,
    lines: [{ productId: paid.items[1].productId, amount: paid.items[1].total! }],
    reason: 'bought by mistake',
  });
  const { invoice, creditNotes } = await billingOf(billing, paid.orderId, buyer.token);
  links = {
    invoice: invoice!.pdfUrl,
    creditNote: creditNotes![0].pdfUrl,
    invoiceNumber: invoice!.number,
    creditNoteNumber: creditNotes![0].number,
  };
});

describe('GET /invoices/:token', () => {
  it('answers the invoice PDF as an attachment: seller, buyer, number, lines, discounts, tax per rate, totals, note', async () => {
    const response = await fetchPdf(billing, links.invoice);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${links.invoiceNumber}.pdf"`);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(response.headers.get('content-length')).toBe(String(pdf.length));
    const text = pdfText(pdf);
    expect(text).toEqual(
      expect.arrayContaining([
        `Invoice ${links.invoiceNumber}`,
        'Agents Market Ltd',
        '2 Grand Canal Quay',
        'Dublin 2',
        'VAT ID: IE9876543W',
        'Jansen BV',
        'Jan Jansen',
        'Damrak 1',
        '1012 LG Amsterdam',
        'VAT ID: NL123456789B01',
        'Amounts in EUR',
        'Research Agent',
        '1,234.56',
        '-234.56',
        '1,000.00',
        '0%',
        '49.99',
        'Subtotal',
        '1,284.55 EUR',
        'Discount',
        '-234.56 EUR',
        'VAT 0% on 1,049.99 EUR',
        'Total (EUR)',
        '1,049.99 EUR',
        REVERSE_CHARGE_NOTE,
      ]),
    );
  });

  it('answers the credit note PDF: its number, the invoice it credits, the reason, the line and total credited', async () => {
    const response = await fetchPdf(billing, links.creditNote);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${links.creditNoteNumber}.pdf"`);
    const text = pdfText(Buffer.from(await response.arrayBuffer()));
    expect(text).toEqual(
      expect.arrayContaining([
        `Credit note ${links.creditNoteNumber}`,
        `Credits invoice: ${links.invoiceNumber}`,
        'Reason: bought by mistake',
        'Mail Tool',
        'Total credited (EUR)',
        '49.99 EUR',
      ]),
    );
    expect(text).not.toContain('Research Agent');
  });

  it('titles the tax by the name the order was charged under (MVA in Norway), and VAT when none was sent', async () => {
    const norwegian = { ...orderPaid(buyer.id, [line(randomUUID(), 'Mail Tool', 10_000, 0, 2_500)]), taxName: 'MVA' };
    await deliverEvent(billing, Events.OrderPaid, norwegian);
    const { invoice } = await billingOf(billing, norwegian.orderId, buyer.token);
    const text = pdfText(Buffer.from(await (await fetchPdf(billing, invoice!.pdfUrl)).arrayBuffer()));
    expect(text).toEqual(
      expect.arrayContaining(['MVA rate', 'MVA', '25%', '25.00', 'MVA 25% on 100.00 EUR', '125.00 EUR']),
    );
    // (The seller's "VAT ID" line stays: that is what the id is called.)
    expect(text.filter((part) => /^VAT( rate$| \d)/.test(part) || part === 'VAT')).toEqual([]);
    const unnamed = orderPaid(buyer.id, [line(randomUUID(), 'Mail Tool', 10_000, 0, 2_000)]);
    await deliverEvent(billing, Events.OrderPaid, unnamed);
    const plain = (await billingOf(billing, unnamed.orderId, buyer.token)).invoice!;
    expect(pdfText(Buffer.from(await (await fetchPdf(billing, plain.pdfUrl)).arrayBuffer()))).toEqual(
      expect.arrayContaining(['VAT rate', 'VAT 20% on 100.00 EUR']),
    );
  });

  it('renders the same bytes from the same snapshot, whenever asked', async () => {
    const token = new URL(links.invoice).pathname.split('/').pop()!;
    const claims = new UrlTokenSigner(SECRET).verify<{ k: 'invoice'; id: string; exp: number }>(
      BILLING_DOCUMENT_PURPOSE,
      token,
    )!;
    const document = await printable(billing.subgraph.deps.db, claims);
    const [first, second] = [await renderDocumentPdf(document), await renderDocumentPdf(document)];
    expect(first.equals(second)).toBe(true);
    expect(first.equals(Buffer.from(await (await fetchPdf(billing, links.invoice)).arrayBuffer()))).toBe(true);
  });

  it('refuses a tampered, expired, other-purpose or unknown-document link (403, 410, 403, 404)', async () => {
    const signer = new UrlTokenSigner(SECRET);
    const token = new URL(links.invoice).pathname.split('/').pop()!;
    const claims = signer.verify<{ k: string; id: string; exp: number }>(BILLING_DOCUMENT_PURPOSE, token)!;
    const at = (t: string) => `http://x/invoices/${t}`;
    const refusal = async (url: string) => {
      const response = await fetchPdf(billing, url);
      return [
        response.status,
        ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code,
      ];
    };
    const [body, mac] = token.split('.');
    const otherBody = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), d: { ...claims, id: randomUUID() } }),
    ).toString('base64url');
    expect(await refusal(at(`${otherBody}.${mac}`))).toEqual([403, 'FORBIDDEN']);
    expect(await refusal(at(`${token.slice(0, -2)}xx`))).toEqual([403, 'FORBIDDEN']);
    expect(await refusal(at('not-a-token'))).toEqual([403, 'FORBIDDEN']);
    expect(
      await refusal(
        at(signer.sign(BILLING_DOCUMENT_PURPOSE, { ...claims, exp: Math.floor(Date.now() / 1000) - 1 }, 3600)),
      ),
    ).toEqual([410, 'LINK_EXPIRED']);
    expect(await refusal(at(signer.sign('license-download', claims, 3600)))).toEqual([403, 'FORBIDDEN']);
    expect(await refusal(at(new UrlTokenSigner(randomBytes(32)).sign(BILLING_DOCUMENT_PURPOSE, claims, 3600)))).toEqual(
      [403, 'FORBIDDEN'],
    );
    expect(await refusal(at(signer.sign(BILLING_DOCUMENT_PURPOSE, { ...claims, id: randomUUID() }, 3600)))).toEqual([
      404,
      'NOT_FOUND',
    ]);
    expect(
      await refusal(at(signer.sign(BILLING_DOCUMENT_PURPOSE, { ...claims, k: 'credit-note', id: randomUUID() }, 3600))),
    ).toEqual([404, 'NOT_FOUND']);
  });

  it('links expire after INVOICE_LINK_TTL_SECONDS: the token says so, signed for the grace period beyond', async () => {
    const admin = person(Role.ADMIN);
    const before = Math.floor(Date.now() / 1000);
    const { invoice } = await billingOf(billing, (await orderOfBuyer()).orderId, admin.token);
    const token = new URL(invoice!.pdfUrl).pathname.split('/').pop()!;
    const claims = new UrlTokenSigner(SECRET).verify<{ exp: number }>(BILLING_DOCUMENT_PURPOSE, token)!;
    expect(claims.exp).toBeGreaterThanOrEqual(before + 120);
    expect(claims.exp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 120);
  });
});

async function orderOfBuyer() {
  const paid = orderPaid(person().id, [line(randomUUID(), 'Agent', 1_000)]);
  await deliverEvent(billing, Events.OrderPaid, paid);
  return paid;
}
