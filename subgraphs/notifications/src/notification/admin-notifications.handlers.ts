import { Events, eventHandler } from '@marketplace/kit';
import type { RecipientService } from '../recipient/recipient.service';
import { mail } from '../email/email.channel';
import type { Notifier } from './notifier';
import { Paths, formatMoney } from './notification.text';

/** What every admin is told (every `ADMIN` of the users replica, suspended ones aside). */
export const adminNotificationHandlers = (notify: Notifier, recipients: RecipientService) => [
  eventHandler('notify-admins-dispute-opened', Events.PaymentDisputed, async (event, { manager }) => {
    const { orderId, paymentId, amount, reason } = event.payload;
    const order = await recipients.findOrder(manager, orderId);
    const number = order?.number ?? null;
    await notify.sendToAdmins(
      manager,
      event.id,
      {
        kind: 'DISPUTE_OPENED',
        title: `Payment disputed${number ? `: order ${number}` : ''}`,
        body: `A cardholder disputes ${formatMoney(amount)} (${reason}). Answer with evidence before the provider's deadline.`,
        path: Paths.disputes(orderId),
        data: { orderId, paymentId, number, amount, reason },
      },
      mail('adminDisputeOpened', { orderId, orderNumber: number ?? '-', amount, reason }),
    );
  }),

  eventHandler('notify-admins-dead-letter', Events.EventDeadLettered, async (event, { manager }) => {
    const { deadLetterId, subgraph, handler, eventType, attempts, lastError } = event.payload;
    await notify.sendToAdmins(
      manager,
      event.id,
      {
        kind: 'EVENT_DEAD_LETTERED',
        title: `An event failed for good in ${subgraph}`,
        body: `${eventType} failed ${attempts} times in ${handler}: ${lastError.slice(0, 300)}. Replay or discard it from the dead letters.`,
        path: Paths.deadLetters(),
        data: { deadLetterId, subgraph, handler, eventType, attempts },
      },
      mail('eventDeadLettered', { subgraph, eventType, handler, lastError: lastError.slice(0, 1_000), attempts }),
    );
  }),
];
