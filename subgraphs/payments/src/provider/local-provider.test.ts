import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { LocalProvider } from './local-provider';
import type { RefundRequest } from './payment-provider';

/** The local provider's refunds: signed charge.refunded events that say what Stripe's charge would. */
const SECRET = `whsec_${randomUUID().replace(/-/g, '')}`;
const received: Stripe.Event[] = [];
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      // Verified as the webhook route verifies Stripe's events.
      void Stripe.webhooks
        .constructEventAsync(body, String(request.headers['stripe-signature']), SECRET)
        .then((event) => received.push(event))
        .then(() => response.writeHead(200).end('{}'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const request = (intent: string, amount: number, refundedBefore: number): RefundRequest => {
  const refundId = randomUUID();
  return {
    paymentIntentId: intent,
    amount,
    currency: 'EUR',
    paymentAmount: 3000,
    refundedBefore,
    metadata: { paymentId: randomUUID(), orderId: randomUUID(), refundId },
    reason: 'returned',
    idempotencyKey: `refund:${refundId}`,
  };
};
const charge = (event: Stripe.Event) => event.data.object as Stripe.Charge;

it('states the cumulative amount refunded, as Stripe does, and refunded once nothing is left', async () => {
  const provider = new LocalProvider({ url: () => url, secret: SECRET });
  await provider.refund(request('pi_local_a', 1000, 0));
  await provider.refund(request('pi_local_a', 2000, 1000));
  expect(received.slice(-2).map((event) => [charge(event).amount_refunded, charge(event).refunded])).toEqual([
    [1000, false],
    [3000, true],
  ]);
});

it('counts from what payments recorded when the process started after earlier refunds (npm start again)', async () => {
  const restarted = new LocalProvider({ url: () => url, secret: SECRET });
  await restarted.refund(request('pi_local_b', 500, 1500));
  expect(charge(received.at(-1)!)).toMatchObject({
    amount: 3000,
    amount_refunded: 2000,
    refunded: false,
    currency: 'eur',
  });
});

it('sends the same event again for the same idempotency key, and counts it once', async () => {
  const provider = new LocalProvider({ url: () => url, secret: SECRET });
  const once = request('pi_local_c', 1000, 0);
  await provider.refund(once);
  await provider.refund(once);
  const [first, again] = received.slice(-2);
  expect(again.id).toBe(first.id);
  await provider.refund(request('pi_local_c', 500, 1000));
  expect(charge(received.at(-1)!).amount_refunded).toBe(1500);
});
