import { MailBrand, MailContent, appLink } from '@marketplace/kit/mail-layout';
import { Amount, Paths, formatMoney } from '../notification/notification.text';

export interface OrderReceiptData {
  displayName: string;
  orderId: string;
  orderNumber: string;
  total: Amount;
  /** `paid`: what the line cost the buyer, discounts and tax included, so the lines add up to the total. */
  lines: { productName: string; paid: Amount; licenseKey: string; downloadUrl?: string }[];
}

export interface PaymentFailedData {
  displayName: string;
  orderId: string;
  orderNumber: string;
  total: Amount;
  reason: string;
}

export interface RefundIssuedData {
  displayName: string;
  orderId: string;
  orderNumber: string;
  amount: Amount;
  /** The products refunded, when only some lines of the order were (absent: the whole order). */
  productNames?: string[];
}

export interface LicenseRevokedData {
  displayName: string;
  productName: string;
  orderNumber: string;
  reason: string;
}

export interface PriceDropData {
  displayName: string;
  productName: string;
  productSlug: string;
  previousPrice: Amount;
  price: Amount;
}

const hi = (name: string) => `Hi ${name},`;

export const customerTemplates = {
  welcome: (data: { displayName: string }, brand: MailBrand): MailContent => ({
    subject: `Welcome to ${brand.appName}`,
    preheader: 'Agents, workflows and tools, ready to use.',
    greeting: hi(data.displayName),
    paragraphs: [
      `Welcome to ${brand.appName}. Browse agents, workflows and tools from independent vendors; what you buy comes with a signed license key and its downloads.`,
    ],
    action: { label: 'Browse the marketplace', url: appLink(brand.appUrl, Paths.storefront()) },
  }),

  orderReceipt: (data: OrderReceiptData, brand: MailBrand): MailContent => ({
    subject: `Your receipt for order ${data.orderNumber}`,
    preheader: `${formatMoney(data.total)} paid. Your license keys are inside.`,
    greeting: hi(data.displayName),
    paragraphs: [
      'Thank you for your purchase. Your license keys are below; keep this email, or find them any time on the order page.',
    ],
    details: [
      { label: 'Order', value: data.orderNumber },
      { label: 'Total paid', value: formatMoney(data.total) },
    ],
    table: [
      ['Product', 'Paid', 'License key'],
      ...data.lines.map((line) => [line.productName, formatMoney(line.paid), line.licenseKey]),
    ],
    action: { label: 'Open the order', url: appLink(brand.appUrl, Paths.order(data.orderId)) },
    afterAction: data.lines
      .filter((line) => line.downloadUrl)
      .map((line) => `Download ${line.productName}: ${line.downloadUrl}`),
  }),

  paymentFailed: (data: PaymentFailedData, brand: MailBrand): MailContent => ({
    subject: `Payment for order ${data.orderNumber} did not go through`,
    preheader: 'Nothing was charged. You can try again.',
    greeting: hi(data.displayName),
    paragraphs: [
      `The payment of ${formatMoney(data.total)} for order ${data.orderNumber} failed, and nothing was charged.`,
    ],
    details: [{ label: 'Reason', value: data.reason }],
    action: { label: 'Try the payment again', url: appLink(brand.appUrl, Paths.orderPayment(data.orderId)) },
  }),

  refundIssued: (data: RefundIssuedData, brand: MailBrand): MailContent => ({
    subject: `Refund for order ${data.orderNumber}`,
    preheader: `${formatMoney(data.amount)} is on its way back.`,
    greeting: hi(data.displayName),
    paragraphs: [
      data.productNames
        ? `We refunded ${formatMoney(data.amount)} for ${data.productNames.join(', ')} of order ${data.orderNumber}. Depending on your bank it shows on your statement within 5 to 10 days. The licenses of these products no longer work.`
        : `We refunded ${formatMoney(data.amount)} for order ${data.orderNumber}. Depending on your bank it shows on your statement within 5 to 10 days. The order's licenses no longer work.`,
    ],
    action: { label: 'Open the order', url: appLink(brand.appUrl, Paths.order(data.orderId)) },
  }),

  licenseRevoked: (data: LicenseRevokedData, brand: MailBrand): MailContent => ({
    subject: `Your license for ${data.productName} was revoked`,
    preheader: 'The license key no longer activates.',
    greeting: hi(data.displayName),
    paragraphs: [
      `Your license for ${data.productName} (order ${data.orderNumber}) was revoked and no longer activates.`,
    ],
    details: [{ label: 'Reason', value: data.reason }],
    action: { label: 'See your licenses', url: appLink(brand.appUrl, Paths.licenses()) },
  }),

  priceDrop: (data: PriceDropData, brand: MailBrand): MailContent => ({
    subject: `${data.productName} is now ${formatMoney(data.price)}`,
    preheader: `It was ${formatMoney(data.previousPrice)}. It is on your wishlist.`,
    greeting: hi(data.displayName),
    paragraphs: [`${data.productName}, on your wishlist, got cheaper.`],
    details: [
      { label: 'Was', value: formatMoney(data.previousPrice) },
      { label: 'Now', value: formatMoney(data.price) },
    ],
    action: { label: 'See the product', url: appLink(brand.appUrl, Paths.product(data.productSlug)) },
  }),
};
