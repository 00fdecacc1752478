import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { envReader } from '@marketplace/kit';
import { TestSubgraph, person, temporaryDirectories } from '@marketplace/kit/testing';
import { USAGE, orderUuidOf, parseArguments } from './simulate-payment';
import {
  createIntent,
  eventTypes,
  globalId,
  orderPlaced,
  pendingPayment,
  startPayments,
  stored,
  webhookSecretOf,
  webhookUrl,
} from './testing';

/** `npm run simulate-payment -- <order id> succeeded|failed`: takes the order's id as the API shows it. */
const dataDir = temporaryDirectories('payments-cli-');
const uuid = '0b7e3c1a-5d2f-4e6a-9b8c-7d6e5f4a3b2c';

describe('the order id', () => {
  it('is the global id the API shows, Order:<uuid> (any case of hex digits)', () => {
    expect(orderUuidOf(`Order:${uuid}`)).toBe(uuid);
    expect(orderUuidOf(`Order:${uuid.toUpperCase()}`)).toBe(uuid);
    expect(USAGE).toMatch(/<order id as the API shows it, Order:<uuid>> succeeded\|failed/);
  });

  it("an id of another type is refused, naming its type (a Payment's, a Product's)", () => {
    expect(() => orderUuidOf(`Payment:${uuid}`)).toThrow(`Payment:${uuid} is a Payment id, not an order's`);
    expect(() => orderUuidOf(`Product:${uuid}`)).toThrow(/is a Product id, not an order's \(Order:<uuid>\)\nusage:/);
  });

  it('a bare uuid is refused with the id to pass', () => {
    expect(() => orderUuidOf(uuid.toUpperCase())).toThrow(`pass the order's id as the API shows it: Order:${uuid}`);
  });

  it.each([undefined, '', 'nope', 'Order:', 'Order:nope', `order:${uuid}`, ` Order:${uuid}`])('%j → usage', (id) => {
    expect(() => orderUuidOf(id)).toThrow(new Error(USAGE));
  });
});

describe('the arguments', () => {
  const env = (vars: Record<string, string> = {}) => envReader({ DATA_DIR: dataDir(), ...vars });

  it('an order id and succeeded or failed', () => {
    expect(parseArguments([`Order:${uuid}`, 'succeeded'], env())).toEqual({ orderUuid: uuid, outcome: 'succeeded' });
    expect(parseArguments([`Order:${uuid}`, 'failed'], env())).toEqual({ orderUuid: uuid, outcome: 'failed' });
  });

  it.each([[[]], [[`Order:${uuid}`]], [[`Order:${uuid}`, 'SUCCEEDED']], [[`Order:${uuid}`, 'failed', 'extra']]])(
    '%j → usage',
    (args) => {
      expect(() => parseArguments(args, env())).toThrow(new Error(USAGE));
    },
  );

  it('is refused in production, before anything else is read', () => {
    expect(() => parseArguments([`Order:${uuid}`, 'succeeded'], env({ NODE_ENV: 'production' }))).toThrow(
      'simulate-payment is for development only (refused in production)',
    );
  });
});

describe('the CLI, against a running payments subgraph', () => {
  let payments: TestSubgraph;
  beforeAll(async () => {
    payments = await startPayments();
  });
  afterAll(() => payments.close());

  const run = (args: string[], env: Record<string, string> = {}) =>
    promisify(execFile)(process.execPath, [join(__dirname, 'simulate-payment.js'), ...args], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATA_DIR: dataDir(),
        DATABASE_URL: payments.database.url,
        STRIPE_WEBHOOK_URL: webhookUrl(payments),
        STRIPE_WEBHOOK_SECRET: webhookSecretOf(payments),
        ...env,
      },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('pays the order named by the id the API answered: the signed event goes through the webhook', async () => {
    const { order, payment } = await pendingPayment(payments);
    expect(order.id).toBe(globalId('Order', order.orderId));
    const result = await run([order.id, 'succeeded']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      new RegExp(`^payment_intent\\.succeeded evt_\\S+ delivered for payment ${payment.id} \\(was REQUIRES_PAYMENT\\)`),
    );
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await eventTypes(payments, payment.id)).toEqual(['payment.succeeded']);
  });

  it('a failure too: FAILED with the reason', async () => {
    const { order, payment } = await pendingPayment(payments);
    expect((await run([order.id, 'failed'])).code).toBe(0);
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'FAILED', failureReason: expect.any(String) });
  });

  it("refuses the order's bare uuid, a Payment id and a missing intent, with a clear message; nothing is sent", async () => {
    const { order, payment } = await pendingPayment(payments);
    const bare = await run([order.orderId, 'succeeded']);
    expect(bare).toMatchObject({ code: 1, stdout: '' });
    expect(bare.stderr).toContain(`simulate-payment: pass the order's id as the API shows it: ${order.id}`);
    const wrongType = await run([payment.id, 'succeeded']);
    expect(wrongType).toMatchObject({ code: 1 });
    expect(wrongType.stderr).toContain(`${payment.id} is a Payment id, not an order's`);
    const unknown = globalId('Order', randomUUID());
    expect((await run([unknown, 'succeeded'])).stderr).toContain(`no payment intent for order ${unknown}`);
    const owner = person();
    const noIntent = await orderPlaced(payments, owner);
    expect((await run([noIntent.id, 'succeeded'])).stderr).toContain(
      `no payment intent for order ${noIntent.id}: call createPaymentIntent first`,
    );
    expect(await eventTypes(payments, payment.id)).toEqual([]);
    // Once the intent exists, the same id works.
    const { payment: later } = await createIntent(payments, noIntent, owner);
    expect((await run([noIntent.id, 'succeeded'])).code).toBe(0);
    expect(await stored(payments, later.id)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it.each([
    ['in production', { NODE_ENV: 'production' }, /refused in production/],
    [
      'with STRIPE_SECRET_KEY',
      { STRIPE_SECRET_KEY: 'sk_test_abc' },
      /refused in production and with STRIPE_SECRET_KEY/,
    ],
  ])('is refused %s; nothing is sent', async (_case, env, message) => {
    const { order, payment } = await pendingPayment(payments);
    const result = await run([order.id, 'succeeded'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(await eventTypes(payments, payment.id)).toEqual([]);
  });
});
