import { envReader, isUuid, parseGlobalId, queryRows } from '@marketplace/kit';
import { DataSource } from 'typeorm';
import { readPaymentsConfig } from './config';
import { deliverSigned, paymentIntentEvent } from './webhook/stripe-event';

/**
 * `node subgraphs/payments/dist/simulate-payment.js <orderId> succeeded|failed`: sends the
 * signed Stripe event of a payment attempt to the webhook (through the gateway by default),
 * for a local run without Stripe keys. The order needs a payment intent first. `orderId` is
 * the order's id as the API answers it (`Order:<uuid>`), or its bare uuid.
 */
/** What `npm start` runs (scripts/src/embedded-database.ts): embedded Postgres on 54320, database `marketplace`. */
const EMBEDDED_DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:54320/marketplace';

async function main([id, outcome]: string[]): Promise<void> {
  const parsed = parseGlobalId(id);
  const orderId = parsed?.typename === 'Order' ? parsed.uuid : id;
  if (!isUuid(orderId) || (outcome !== 'succeeded' && outcome !== 'failed'))
    throw new Error(
      'usage: node subgraphs/payments/dist/simulate-payment.js <orderId (Order:<uuid>)> succeeded|failed',
    );
  const env = envReader();
  const settings = readPaymentsConfig(env);
  if (settings.production || settings.stripeSecretKey)
    throw new Error('simulate-payment is for development only (refused in production and with STRIPE_SECRET_KEY)');
  const db = new DataSource({
    type: 'postgres',
    url: env.url('DATABASE_URL', ['postgres', 'postgresql']) ?? EMBEDDED_DATABASE_URL,
    schema: 'payments',
  });
  await db.initialize();
  try {
    const [payment] = await queryRows<{
      id: string;
      providerRef: string | null;
      amount: number;
      currency: string;
      status: string;
    }>(
      db,
      `SELECT id, provider_ref AS "providerRef", amount, currency, status FROM payments.payments WHERE order_id = $1`,
      [orderId],
    );
    if (!payment?.providerRef)
      throw new Error(`no payment intent for order ${orderId}: call createPaymentIntent first`);
    const event = paymentIntentEvent(
      {
        paymentIntentId: payment.providerRef,
        amount: payment.amount,
        currency: payment.currency,
        metadata: { paymentId: payment.id, orderId },
      },
      outcome,
    );
    await deliverSigned(settings.webhookUrl ?? 'http://127.0.0.1:4000/webhooks/stripe', event, settings.webhookSecret);
    console.log(`${event.type} ${event.id} delivered for payment ${payment.id} (was ${payment.status})`);
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`simulate-payment: ${error.message}`);
  process.exit(1);
});
