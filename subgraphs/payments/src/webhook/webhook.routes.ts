import express, { Express, Request, Response } from 'express';
import Stripe from 'stripe';
import { Logger, requestIdFrom } from '@marketplace/kit';
import type { PaymentsConfig } from '../config';
import type { DisputeService } from '../dispute/dispute.service';
import { isDisputeEvent } from '../dispute/stripe-dispute';
import type { StripeEventShape } from './stripe-event';
import { malformationOf } from './webhook-change';
import { UnknownPayment, WebhookService } from './webhook.service';

export const WEBHOOK_PATH = '/webhooks/stripe';

/** Stripe's events are small; anything larger is not from Stripe. */
const BODY_LIMIT = '512kb';

/**
 * `POST /webhooks/stripe`: the exact bytes Stripe signed (never re-serialised JSON) are
 * verified against `Stripe-Signature`. 400 for a bad, missing or stale signature or a signed
 * event without its object (nothing changes), 404 for an unknown payment and 500 for anything
 * unexpected (Stripe retries both), 200 only once the effect (or the record of an amount
 * mismatch) has committed.
 */
export function webhookRoutes(
  webhooks: WebhookService,
  disputes: DisputeService,
  settings: Pick<PaymentsConfig, 'webhookSecret' | 'webhookToleranceSeconds'>,
  log: Logger,
) {
  return (app: Express): void => {
    app.post(WEBHOOK_PATH, express.raw({ type: '*/*', limit: BODY_LIMIT }), async (req: Request, res: Response) => {
      const requestId = requestIdFrom(req.headers);
      const requestLog = log.child({ requestId, route: 'stripe-webhook' });
      const header = req.headers['stripe-signature'];
      if (typeof header !== 'string' || header === '') {
        requestLog.warn('stripe webhook without a signature refused');
        res.status(400).json({ error: 'Missing Stripe-Signature header' });
        return;
      }
      let event: Stripe.Event;
      try {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        event = Stripe.webhooks.constructEvent(raw, header, settings.webhookSecret, settings.webhookToleranceSeconds);
      } catch (error) {
        requestLog.warn({ reason: (error as Error).message }, 'stripe webhook signature refused');
        res.status(400).json({ error: `Invalid Stripe-Signature: ${(error as Error).message}` });
        return;
      }
      const malformation = malformationOf(event);
      if (malformation) {
        requestLog.warn({ reason: malformation }, 'signed stripe webhook without a readable event refused');
        res.status(400).json({ error: `Malformed Stripe event: ${malformation}` });
        return;
      }
      try {
        const verified = event as unknown as StripeEventShape;
        const eventLog = requestLog.child({ eventId: event.id, type: event.type });
        // Disputes have their own service (src/dispute); everything else moves the payment's status.
        const outcome = isDisputeEvent(event.type)
          ? await disputes.handle(verified, requestId, eventLog)
          : await webhooks.handle(verified, requestId, eventLog);
        res.json({ received: true, outcome });
      } catch (error) {
        if (error instanceof UnknownPayment) {
          requestLog.warn({ eventId: event.id, type: event.type }, error.message);
          res.status(404).json({ error: error.message });
          return;
        }
        requestLog.error(
          { err: error, eventId: event.id, type: event.type },
          'stripe webhook failed; Stripe will retry',
        );
        res.status(500).json({ error: 'Internal error; the event was not applied' });
      }
    });
  };
}
