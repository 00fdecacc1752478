import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import pino from 'pino';
import { Events } from '../contracts';
import { AmqpTransport } from './amqp-transport';
import { createEnvelope } from './envelope';
import type { Delivery } from './transport';

/**
 * `EVENTS_QUEUE_TYPE=quorum`: the consumer queues are quorum queues (replicated on a RabbitMQ
 * cluster) and deliver as classic ones do. RabbitMQ is only here when AMQP_URL is set; CI always sets it.
 */
const AMQP_URL = process.env.AMQP_URL;
if (AMQP_URL) {
  it('declares quorum queues that deliver and redeliver like classic ones', async () => {
    const run = randomUUID().slice(0, 8);
    const topology = {
      exchange: `test.quorum-${run}.events`,
      deadLetterExchange: `test.quorum-${run}.dlx`,
      queuePrefix: `test.quorum-${run}.`,
      temporary: true,
      queueType: 'quorum' as const,
    };
    const transport = new AmqpTransport(AMQP_URL, topology, pino({ level: 'silent' }));
    await transport.start();
    // The transport prefixes queue names.
    const queue = `${topology.queuePrefix}orders`;
    const received: { body: string; redelivered: boolean }[] = [];
    await transport.consume(
      'orders',
      ['order.created'],
      async (delivery: Delivery) => {
        received.push({ body: delivery.body.toString(), redelivered: delivery.redelivered });
        // The first delivery goes back, as a handler that could not finish gives it back.
        if (received.length === 1) await delivery.requeue();
        else await delivery.ack();
      },
      { prefetch: 1 },
    );
    const envelope = createEnvelope(
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
    try {
      await transport.publish(envelope);
      const deadline = Date.now() + 10_000;
      while (received.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received.map((r) => [JSON.parse(r.body).id, r.redelivered])).toEqual([
        [envelope.id, false],
        [envelope.id, true],
      ]);
      await transport.close();
      // Only quorum queues count deliveries in the message (x-delivery-count): the broker made a quorum queue.
      const connection = await amqp.connect(AMQP_URL);
      try {
        const channel = await connection.createChannel();
        const counts: unknown[] = [];
        const twice = new Promise<void>((resolve) => {
          void channel.consume(queue, (message) => {
            if (!message) return;
            counts.push(message.properties.headers?.['x-delivery-count'] ?? null);
            if (counts.length === 1) channel.nack(message, false, true);
            else {
              channel.ack(message);
              resolve();
            }
          });
        });
        channel.sendToQueue(queue, Buffer.from('{}'));
        await twice;
        expect(counts).toEqual([null, 1]);
      } finally {
        await connection.close();
      }
    } finally {
      await transport.close().catch(() => undefined);
    }
  }, 30_000);
}
