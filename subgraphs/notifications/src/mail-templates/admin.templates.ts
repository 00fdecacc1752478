import { MailBrand, MailContent, appLink } from '@marketplace/kit/mail-layout';
import { Amount, Paths, formatMoney } from '../notification/notification.text';

export interface VendorApplicationData {
  vendorName: string;
  applicantEmail: string;
}

export interface ProductSubmittedData {
  productName: string;
  vendorName: string;
}

export interface AdminDisputeData {
  orderId: string;
  orderNumber: string;
  amount: Amount;
  reason: string;
}

export interface DeadLetterData {
  subgraph: string;
  eventType: string;
  handler: string;
  lastError: string;
  attempts: number;
}

const GREETING = 'Hello,';

/** Admins get mail about what waits for them: moderation, disputes, events in trouble. */
export const adminTemplates = {
  vendorApplication: (data: VendorApplicationData, brand: MailBrand): MailContent => ({
    subject: `New vendor application: ${data.vendorName}`,
    preheader: 'A vendor application waits for review.',
    greeting: GREETING,
    paragraphs: [`${data.vendorName} (${data.applicantEmail}) applied to sell on ${brand.appName}.`],
    action: { label: 'Open the moderation queue', url: appLink(brand.appUrl, Paths.moderation()) },
  }),

  productSubmitted: (data: ProductSubmittedData, brand: MailBrand): MailContent => ({
    subject: `Product submitted for review: ${data.productName}`,
    preheader: 'A product waits for review.',
    greeting: GREETING,
    paragraphs: [`${data.vendorName} submitted ${data.productName} for review.`],
    action: { label: 'Open the moderation queue', url: appLink(brand.appUrl, Paths.moderation()) },
  }),

  adminDisputeOpened: (data: AdminDisputeData, brand: MailBrand): MailContent => ({
    subject: `Dispute opened on order ${data.orderNumber}`,
    preheader: `${formatMoney(data.amount)} disputed.`,
    greeting: GREETING,
    paragraphs: [`The payment of order ${data.orderNumber} is disputed; its licenses are suspended until it ends.`],
    details: [
      { label: 'Amount', value: formatMoney(data.amount) },
      { label: 'Reason', value: data.reason },
    ],
    action: { label: 'See disputed payments', url: appLink(brand.appUrl, Paths.disputes(data.orderId)) },
  }),

  eventDeadLettered: (data: DeadLetterData, brand: MailBrand): MailContent => ({
    subject: `Event dead-lettered in ${data.subgraph}: ${data.eventType}`,
    preheader: 'An event failed every retry and waits for a decision.',
    greeting: GREETING,
    paragraphs: [
      `The ${data.subgraph} subgraph gave up on a ${data.eventType} event after ${data.attempts} attempts. Nothing more happens until an admin replays or discards it.`,
    ],
    details: [
      { label: 'Handler', value: data.handler },
      { label: 'Last error', value: data.lastError },
    ],
    action: { label: 'See events in trouble', url: appLink(brand.appUrl, Paths.deadLetters()) },
  }),
};
