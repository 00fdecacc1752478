import PDFDocument from 'pdfkit';
import type { SellerDetails } from '../config';
import { BuyerDetails, DEFAULT_TAX_NAME, DocumentLine, DocumentTotals } from '../invoice/invoice.rules';
import { formatAmount, formatMoney, formatRate } from './money-format';

/** What either document prints: an invoice, or a credit note (which names its invoice and reason). */
export interface PrintableDocument {
  title: 'Invoice' | 'Credit note';
  number: string;
  issuedAt: Date;
  orderNumber: string;
  /** Credit notes: the invoice credited and why. */
  credits?: { invoiceNumber: string; reason: string };
  seller: SellerDetails;
  buyer: BuyerDetails;
  currency: string;
  lines: DocumentLine[];
  totals: DocumentTotals;
  taxName?: string;
  note: string | null;
}

/** Where the tax's name goes in a column title ("VAT rate", "MVA rate"…). */
const TAX = '{tax}';
const LEFT = 50;
const RIGHT = 545;
const PAGE_BOTTOM = 760;
const COLUMNS = [
  { title: 'Item', x: LEFT, width: 150, align: 'left' },
  { title: 'Unit price', x: 200, width: 65, align: 'right' },
  { title: 'Discount', x: 265, width: 60, align: 'right' },
  { title: 'Net', x: 325, width: 65, align: 'right' },
  { title: `${TAX} rate`, x: 390, width: 45, align: 'right' },
  { title: TAX, x: 435, width: 50, align: 'right' },
  { title: 'Total', x: 485, width: 60, align: 'right' },
] as const;

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * The PDF of an invoice or credit note, from its stored snapshot alone and with the
 * built-in Helvetica: the same snapshot gives the same bytes (dates are the issue date, no
 * clock is read). `compress: false` leaves the text readable in the bytes (tests).
 */
export function renderDocumentPdf(document: PrintableDocument, options: { compress?: boolean } = {}): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: LEFT,
    compress: options.compress ?? true,
    info: {
      Title: `${document.title} ${document.number}`,
      Author: document.seller.name,
      CreationDate: document.issuedAt,
      ModDate: document.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const money = (amount: number) => formatMoney(amount, document.currency);

  pdf.font('Helvetica-Bold').fontSize(20).text(`${document.title} ${document.number}`, LEFT, 50);
  pdf.font('Helvetica').fontSize(10).moveDown(0.5);
  pdf.text(`Date of issue: ${day(document.issuedAt)}`);
  pdf.text(`Order: ${document.orderNumber}`);
  if (document.credits) {
    pdf.text(`Credits invoice: ${document.credits.invoiceNumber}`);
    pdf.text(`Reason: ${document.credits.reason}`);
  }

  const partiesTop = pdf.y + 20;
  const sellerBottom = party(pdf, LEFT, partiesTop, 'Seller', sellerLines(document.seller));
  const buyerBottom = party(pdf, 310, partiesTop, 'Bill to', buyerLines(document.buyer));

  let y = Math.max(sellerBottom, buyerBottom) + 20;
  pdf.font('Helvetica').text(`Amounts in ${document.currency}`, LEFT, y);
  y += 18;
  pdf.font('Helvetica-Bold').fontSize(9);
  const taxName = document.taxName ?? DEFAULT_TAX_NAME;
  for (const column of COLUMNS)
    pdf.text(column.title.replace(TAX, taxName), column.x, y, { width: column.width, align: column.align });
  y += 16;
  pdf
    .moveTo(LEFT, y - 4)
    .lineTo(RIGHT, y - 4)
    .stroke();
  pdf.font('Helvetica');
  for (const line of document.lines) {
    if (y > PAGE_BOTTOM) {
      pdf.addPage();
      y = 50;
    }
    const amount = (value: number) => formatAmount(value, document.currency);
    const cells = [
      line.name,
      amount(line.unitPrice),
      line.discount ? `-${amount(line.discount)}` : '-',
      amount(line.taxable),
      formatRate(line.taxRateBps),
      amount(line.tax),
      amount(line.total),
    ];
    const heights = COLUMNS.map((column, index) => pdf.heightOfString(cells[index], { width: column.width }));
    COLUMNS.forEach((column, index) =>
      pdf.text(cells[index], column.x, y, { width: column.width, align: column.align }),
    );
    y += Math.max(...heights) + 6;
  }
  pdf.moveTo(LEFT, y).lineTo(RIGHT, y).stroke();
  pdf.fontSize(10);
  y += 10;

  const credit = Boolean(document.credits);
  const totals: [string, string][] = [
    ['Subtotal', money(document.totals.subtotal)],
    ['Discount', document.totals.discount ? `-${money(document.totals.discount)}` : money(0)],
    ['Net amount', money(document.totals.taxable)],
    ...document.totals.taxes.map((rate): [string, string] => [
      `${taxName} ${formatRate(rate.rateBps)} on ${money(rate.taxable)}`,
      money(rate.tax),
    ]),
    [credit ? `Total credited (${document.currency})` : `Total (${document.currency})`, money(document.totals.total)],
  ];
  totals.forEach(([label, value], index) => {
    if (y > PAGE_BOTTOM) {
      pdf.addPage();
      y = 50;
    }
    pdf.font(index === totals.length - 1 ? 'Helvetica-Bold' : 'Helvetica');
    pdf.text(label, 200, y, { width: 245, align: 'right' });
    pdf.text(value, 450, y, { width: 95, align: 'right' });
    y += 16;
  });
  if (document.note) pdf.font('Helvetica-Oblique').text(document.note, LEFT, y + 16, { width: RIGHT - LEFT });
  pdf.end();
  return done;
}

/** A block of lines under a heading; answers where it ends. */
function party(pdf: PDFKit.PDFDocument, x: number, y: number, heading: string, lines: string[]): number {
  pdf.font('Helvetica-Bold').text(heading, x, y, { width: 235 });
  pdf.font('Helvetica');
  for (const line of lines) pdf.text(line, { width: 235 });
  return pdf.y;
}

function sellerLines(seller: SellerDetails): string[] {
  return [seller.name, ...seller.addressLines, seller.country, `VAT ID: ${seller.vatId}`];
}

/** An order placed without billing details still gets its invoice: the buyer is then unnamed. */
function buyerLines(buyer: BuyerDetails): string[] {
  return [
    buyer.businessName,
    buyer.name ?? 'Customer (no billing details given)',
    ...buyer.addressLines,
    buyer.country,
    buyer.vatId && `VAT ID: ${buyer.vatId}`,
  ].filter((line): line is string => Boolean(line));
}
