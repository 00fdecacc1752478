import {
  EnvReader,
  globalId,
  envReader,
  isBareUuid,
  parseGlobalId,
  queryRows,
  readCommonConfig,
} from '@marketplace/kit';
import { DataSource } from 'typeorm';
import { readPaymentsConfig } from './config';
import { deliverSigned, paymentIntentEvent } from './webhook/stripe-event';

/**
 * `npm run simulate-payment -- <order id> succeeded|failed`: sends the signed Stripe event of a
 * payment attempt to the webhook (through the gateway by default), for a local run without
 * Stripe keys. The order id is the one the API shows (`Order:<uuid>`); the order needs a
 * payment intent first.
 */
/** What `npm start` runs (scripts/src/embedded-database.ts): embedded Postgres on 54320, database `marketplace`. */
const EMBEDDED_DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:54320/marketplace';

export const USAGE = 'usage: npm run simulate-payment -- <order id as the API shows it, Order:<uuid>> succeeded|failed';

/**
 * The order's uuid from its id as the API shows it, `Order:<uuid>`. Throws saying what to pass otherwise.
 */
export function orderUuidOf(id: string | undefined): string {
  const parsed = parseGlobalId(id);
  if (parsed?.typename === 'Order') return parsed.uuid;
  if (parsed) throw new Error(`${id} is a ${parsed.typename} id, not an order's (Order:<uuid>)\n${USAGE}`);
  if (isBareUuid(id)) throw new Error(`pass the order's id as the API shows it: Order:${id.toLowerCase()}\n${USAGE}`);
  throw new Error(USAGE);
}

/** The order's uuid and the outcome, or an error saying how to call the CLI; refused outside development. */
export function parseArguments(
  [orderId, outcome, ...rest]: string[],
  env: EnvReader,
): { orderUuid: string; outcome: 'succeeded' | 'failed' } {
  if (readCommonConfig(env).environment === 'production')
    throw new Error('simulate-payment is for development only (refused in production)');
  if (rest.length > 0 || (outcome !== 'succeeded' && outcome !== 'failed')) throw new Error(USAGE);
  return { orderUuid: orderUuidOf(orderId), outcome };
}

async function main(args: string[]): Promise<void> {
  const env = envReader();
  const { orderUuid, outcome } = parseArguments(args, env);
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
      [orderUuid],
    );
    if (!payment?.providerRef)
      throw new Error(`no payment intent for order ${args[0]}: call createPaymentIntent first`);
    const event = paymentIntentEvent(
      {
        paymentIntentId: payment.providerRef,
        amount: payment.amount,
        currency: payment.currency,
        metadata: { paymentId: payment.id, orderId: orderUuid },
      },
      outcome,
    );
    await deliverSigned(settings.webhookUrl ?? 'http://127.0.0.1:4000/webhooks/stripe', event, settings.webhookSecret);
    console.log(
      `${event.type} ${event.id} delivered for payment ${globalId('Payment', payment.id)} (was ${payment.status})`,
    );
  } finally {
    await db.destroy();
  }
}

if (require.main === module)
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(`simulate-payment: ${error.message}`);
    process.exit(1);
  });
