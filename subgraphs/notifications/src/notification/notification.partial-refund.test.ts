import { randomUUID } from 'node:crypto';
import { CurrencyCode, Events } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, person } from '@marketplace/kit/testing';
import { renderTemplate } from '../mail-templates/mail-templates';
import { inboxOf, orderSummary, registered, startNotifications } from '../testing';

/** Partial refunds (issue 23): the customer is told what went back, and for which products. */
let notifications: TestSubgraph;
beforeAll(async () => {
  notifications = await startNotifications();
});
afterAll(() => notifications.close());

const usd = (amount: number) => ({ amount, currency: 'USD' });

async function orderOfTwo(userId: string) {
  const order = orderSummary({ userId, total: usd(3_000) });
  order.items = [
    { productId: randomUUID(), vendorId: randomUUID(), name: 'Alpha Agent', unitPrice: usd(1_000) },
    { productId: randomUUID(), vendorId: randomUUID(), name: 'Beta Tool', unitPrice: usd(2_000) },
  ];
  await deliverEvent(notifications, Events.OrderCreated, order);
  return order;
}

it('payment.partially_refunded: REFUND_ISSUED naming the products and the amount; then payment.refunded tells only what went back last', async () => {
  const user = person();
  const userId = await registered(notifications, 'CUSTOMER', user.id);
  const order = await orderOfTwo(userId);
  const outcome = { paymentId: randomUUID(), orderId: order.orderId, amount: usd(3_000), providerRef: 'pi_x' };
  await deliverEvent(notifications, Events.PaymentPartiallyRefunded, {
    ...outcome,
    refundId: randomUUID(),
    refunded: usd(1_000),
    lines: [{ productId: order.items[0].productId, amount: usd(1_000) }],
    reason: 'Wrong product',
  });
  await deliverEvent(notifications, Events.PaymentRefunded, {
    ...outcome,
    reason: 'Closing',
    lines: [{ productId: order.items[1].productId, amount: usd(2_000) }],
  });
  const nodes = (await inboxOf(notifications, user))
    .notifications!.edges.map((edge) => edge.node)
    .filter((node) => node.kind === 'REFUND_ISSUED');
  expect(nodes.map((node) => [node.kind, node.title, node.body])).toEqual([
    ['REFUND_ISSUED', `Order ${order.number} was refunded`, '20.00 USD is on its way back to you (Closing).'],
    [
      'REFUND_ISSUED',
      `Part of order ${order.number} was refunded`,
      '10.00 USD for Alpha Agent is on its way back to you (Wrong product). The rest of the order stays yours.',
    ],
  ]);
});

it('the refund mail of some lines names them (escaped in HTML)', async () => {
  const mail = await renderTemplate(
    'refundIssued',
    {
      displayName: 'Ada',
      orderId: randomUUID(),
      orderNumber: 'MP-1',
      amount: { amount: 1_000, currency: CurrencyCode.USD },
      productNames: ['Workflow <Pro>'],
    },
    { appName: 'Agent Market', appUrl: 'https://shop.example' },
  );
  expect(mail.text).toContain('We refunded 10.00 USD for Workflow <Pro> of order MP-1');
  expect(mail.html).toContain('Workflow &lt;Pro&gt;');
  expect(mail.text).toContain('The licenses of these products no longer work.');
});
