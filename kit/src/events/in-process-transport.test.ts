import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createEnvelope } from './envelope';
import { InProcessTransport, inProcessBrokerFor } from './in-process-transport';
import { Events } from '../contracts';
import type { Delivery } from './transport';

/** Consumes `routingKey` on a queue named like a subgraph's, on the broker of `exchange`; what it receives. */
async function consumer(exchange: string) {
  const transport = new InProcessTransport(inProcessBrokerFor(exchange));
  const received: string[] = [];
  await transport.consume(
    'payments.events',
    ['order.created'],
    async (delivery: Delivery) => {
      received.push(JSON.parse(delivery.body.toString()).id);
      await delivery.ack();
    },
    { prefetch: 1 },
  );
  return { transport, received };
}

const created = () =>
  createEnvelope(
    Events.OrderCreated,
    {
      orderId: randomUUID(),
      number: 'MP-000001',
      userId: randomUUID(),
      total: { amount: 100, currency: 'USD' },
      items: [
        { productId: randomUUID(), vendorId: randomUUID(), name: 'A', unitPrice: { amount: 100, currency: 'USD' } },
      ],
    },
    { source: 'test', correlationId: 'test', aggregateId: randomUUID() },
  );

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

it('keeps exchanges apart as RabbitMQ does: same queue names, each exchange its own messages', async () => {
  const [one, two] = [`test.${randomUUID()}.events`, `test.${randomUUID()}.events`];
  expect(inProcessBrokerFor(one)).toBe(inProcessBrokerFor(one));
  expect(inProcessBrokerFor(one)).not.toBe(inProcessBrokerFor(two));
  const [first, second] = [await consumer(one), await consumer(two)];
  const toSecond = created();
  await new InProcessTransport(inProcessBrokerFor(two)).publish(toSecond);
  await settle();
  expect(second.received).toEqual([toSecond.id]);
  expect(first.received).toEqual([]);
  await Promise.all([first.transport.close(), second.transport.close()]);
});
