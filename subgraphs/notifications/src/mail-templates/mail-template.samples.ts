import { CurrencyCode } from '@marketplace/kit';
import type { MailData, MailKind } from './mail-templates';

const usd = (amount: number) => ({ amount, currency: CurrencyCode.USD });
const PRODUCT_ID = '7d0e7fcf-0940-4baf-8e3e-b10abe7b3a0b';

/** Sample data for every template: what the templates' test renders, and the mail benchmark. */
export const MAIL_TEMPLATE_SAMPLES: { [Kind in MailKind]: MailData<Kind> } = {
  welcome: { displayName: 'Ada' },
  orderReceipt: {
    displayName: 'Ada',
    orderId: '4b7e2c1a-0000-4000-8000-000000000001',
    orderNumber: 'MP-000123',
    total: usd(4998),
    lines: [
      {
        productName: 'Inbox Triage Agent',
        paid: usd(2999),
        licenseKey: 'MKT1.eyJsaWQiOiJhIn0.c2ln',
        downloadUrl: 'https://shop.example/market/downloads/d1',
      },
      { productName: 'CSV Cleaner', paid: usd(1999), licenseKey: 'MKT1.eyJsaWQiOiJiIn0.c2ln' },
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
  priceDrop: {
    displayName: 'Ada',
    productName: 'Inbox Triage Agent',
    productSlug: 'inbox-triage-agent',
    previousPrice: usd(2999),
    price: usd(1999),
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
