import { MailBrand, MailContent, appLink } from '@marketplace/kit/mail-layout';
import { Amount, Paths, formatMoney } from '../notification/notification.text';

export interface VendorDecisionData {
  displayName: string;
  vendorName: string;
}

export interface ProductDecisionData {
  displayName: string;
  productId: string;
  productName: string;
  productSlug: string;
}

export interface NewSaleData {
  displayName: string;
  productName: string;
  orderNumber: string;
  gross: Amount;
  commission: Amount;
  net: Amount;
}

export interface PayoutData {
  displayName: string;
  payoutId: string;
  amount: Amount;
}

export interface VendorDisputeData {
  displayName: string;
  orderNumber: string;
  amount: Amount;
  reason: string;
  /** ISO date by which evidence must reach the payment provider, when it said. */
  evidenceDueBy?: string;
}

const hi = (name: string) => `Hi ${name},`;

export const vendorTemplates = {
  vendorApproved: (data: VendorDecisionData, brand: MailBrand): MailContent => ({
    subject: `${data.vendorName} can now sell on ${brand.appName}`,
    preheader: 'Your vendor application was approved.',
    greeting: hi(data.displayName),
    paragraphs: [
      `Your application for ${data.vendorName} was approved. Create your first product and submit it for review.`,
    ],
    action: { label: 'Open your vendor dashboard', url: appLink(brand.appUrl, Paths.vendorDashboard()) },
  }),

  vendorRejected: (data: VendorDecisionData & { reason: string }, brand: MailBrand): MailContent => ({
    subject: `Your vendor application for ${data.vendorName}`,
    preheader: 'Your vendor application was not approved.',
    greeting: hi(data.displayName),
    paragraphs: [`Your application for ${data.vendorName} was not approved. The reviewer said why:`],
    details: [{ label: 'Reason', value: data.reason }],
    action: { label: 'Update your application', url: appLink(brand.appUrl, Paths.vendorApplication()) },
  }),

  productApproved: (data: ProductDecisionData, brand: MailBrand): MailContent => ({
    subject: `${data.productName} is live`,
    preheader: 'Your product passed review and is in the storefront.',
    greeting: hi(data.displayName),
    paragraphs: [`${data.productName} passed review and is now in the storefront.`],
    action: { label: 'See it in the storefront', url: appLink(brand.appUrl, Paths.product(data.productSlug)) },
  }),

  productRejected: (data: ProductDecisionData & { reason: string }, brand: MailBrand): MailContent => ({
    subject: `${data.productName} needs changes`,
    preheader: 'Your product did not pass review.',
    greeting: hi(data.displayName),
    paragraphs: [`${data.productName} did not pass review. Change it and submit it again; the reviewer said why:`],
    details: [{ label: 'Reason', value: data.reason }],
    action: { label: 'Edit the product', url: appLink(brand.appUrl, Paths.vendorProduct(data.productId)) },
  }),

  newSale: (data: NewSaleData, brand: MailBrand): MailContent => ({
    subject: `You sold ${data.productName}`,
    preheader: `${formatMoney(data.net)} for you after commission.`,
    greeting: hi(data.displayName),
    paragraphs: [`${data.productName} sold in order ${data.orderNumber}.`],
    details: [
      { label: 'Price', value: formatMoney(data.gross) },
      { label: 'Commission', value: formatMoney(data.commission) },
      { label: 'Your earnings', value: formatMoney(data.net) },
    ],
    action: { label: 'See your sales', url: appLink(brand.appUrl, Paths.vendorSales()) },
    afterAction: ['Earnings become available for payout once the refund window has passed.'],
  }),

  payoutPaid: (data: PayoutData, brand: MailBrand): MailContent => ({
    subject: `Payout of ${formatMoney(data.amount)} sent`,
    preheader: 'Your payout was paid.',
    greeting: hi(data.displayName),
    paragraphs: [`We paid out ${formatMoney(data.amount)}. It reaches your account within a few business days.`],
    action: { label: 'See your payouts', url: appLink(brand.appUrl, Paths.vendorPayouts()) },
  }),

  payoutRejected: (data: PayoutData & { reason: string }, brand: MailBrand): MailContent => ({
    subject: `Payout of ${formatMoney(data.amount)} was not paid`,
    preheader: 'Your payout request was rejected; the amount is back in your balance.',
    greeting: hi(data.displayName),
    paragraphs: [
      `Your payout request of ${formatMoney(data.amount)} was rejected, and the amount is back in your balance.`,
    ],
    details: [{ label: 'Reason', value: data.reason }],
    action: { label: 'See your payouts', url: appLink(brand.appUrl, Paths.vendorPayouts()) },
  }),

  vendorDisputeOpened: (data: VendorDisputeData, brand: MailBrand): MailContent => ({
    subject: `A buyer disputed order ${data.orderNumber}`,
    preheader: 'The licenses are suspended until the dispute ends.',
    greeting: hi(data.displayName),
    paragraphs: [
      `The buyer of order ${data.orderNumber} disputed the payment with their bank. Its licenses are suspended until the dispute ends; a lost dispute debits your earnings for the sale.`,
    ],
    details: [
      { label: 'Amount', value: formatMoney(data.amount) },
      { label: 'Reason', value: data.reason },
      ...(data.evidenceDueBy ? [{ label: 'Evidence due by', value: data.evidenceDueBy }] : []),
    ],
    action: { label: 'See your disputes', url: appLink(brand.appUrl, Paths.vendorDisputes()) },
  }),
};
