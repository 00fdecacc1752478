import { randomBytes } from 'node:crypto';
import { DisputeStatus } from '@marketplace/kit';
import Stripe from 'stripe';
import type { StripeEventShape } from '../webhook/stripe-event';

/** The dispute webhooks payments acts on. */
export const DISPUTE_EVENT_TYPES = ['charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed'];

export const isDisputeEvent = (type: string): boolean => DISPUTE_EVENT_TYPES.includes(type);

/** What one verified dispute event says, read from Stripe's dispute object. */
export interface DisputeFacts {
  disputeId: string;
  /** The payment intent the disputed charge belongs to: what leads to the payment. */
  intentId: string;
  status: DisputeStatus;
  reason: string;
  amount: number;
  currency: string;
  evidenceDueBy: Date | null;
  /** When Stripe opened the dispute (the dispute's `created`). */
  openedAt: Date;
  /** When Stripe created this event: orders events of one dispute that arrive out of order. */
  eventAt: Date;
}

type StripeObject = Record<string, unknown>;
const isObject = (value: unknown): value is StripeObject => typeof value === 'object' && value !== null;
const seconds = (value: unknown): Date | null =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? new Date(value * 1000) : null;

/** Reads a dispute event, or says why it cannot be read (answered 200 `ignored`: a retry would not help). */
export function disputeFactsOf(event: Pick<StripeEventShape, 'created' | 'data'>): DisputeFacts | string {
  const dispute = event.data.object;
  if (dispute.object !== undefined && dispute.object !== 'dispute') return 'the object is not a dispute';
  if (typeof dispute.id !== 'string' || dispute.id === '') return 'the dispute has no id';
  const intent = dispute.payment_intent;
  const intentId = typeof intent === 'string' ? intent : isObject(intent) ? intent.id : undefined;
  if (typeof intentId !== 'string' || intentId === '') return 'the dispute names no payment intent';
  const status = typeof dispute.status === 'string' ? dispute.status.toUpperCase() : '';
  if (!(status in DisputeStatus)) return `unknown dispute status ${String(dispute.status)}`;
  if (typeof dispute.amount !== 'number' || !Number.isSafeInteger(dispute.amount) || dispute.amount < 0)
    return 'the dispute has no amount';
  if (typeof dispute.currency !== 'string' || !/^[a-zA-Z]{3}$/.test(dispute.currency))
    return 'the dispute has no currency';
  const eventAt = seconds(event.created);
  if (!eventAt) return 'the event has no created time';
  const dueBy = isObject(dispute.evidence_details) ? seconds(dispute.evidence_details.due_by) : null;
  return {
    disputeId: dispute.id,
    intentId,
    status: status as DisputeStatus,
    reason: typeof dispute.reason === 'string' && dispute.reason !== '' ? dispute.reason.slice(0, 100) : 'general',
    amount: dispute.amount,
    currency: dispute.currency.toUpperCase(),
    evidenceDueBy: dueBy,
    openedAt: seconds(dispute.created) ?? eventAt,
    eventAt,
  };
}

/** What a test or a simulation says about a dispute; Stripe's statuses in lower case, as it sends them. */
export interface DisputeEventFacts {
  type: 'created' | 'updated' | 'closed';
  disputeId: string;
  paymentIntentId: string;
  amount: number;
  currency: string;
  status: Stripe.Dispute.Status;
  reason?: string;
  /** Seconds since the epoch: the event's `created` (now by default). */
  created?: number;
  evidenceDueBy?: number | null;
  eventId?: string;
}

/** A `charge.dispute.*` event as Stripe sends it (the fields payments reads, and the usual others). */
export function disputeEvent(facts: DisputeEventFacts): StripeEventShape {
  const created = facts.created ?? Math.floor(Date.now() / 1000);
  return {
    id: facts.eventId ?? `evt_local_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created,
    type: `charge.dispute.${facts.type}`,
    livemode: false,
    data: {
      object: {
        id: facts.disputeId,
        object: 'dispute',
        amount: facts.amount,
        currency: facts.currency.toLowerCase(),
        charge: `ch_${facts.paymentIntentId.replace(/^pi_/, '')}`,
        payment_intent: facts.paymentIntentId,
        reason: facts.reason ?? 'fraudulent',
        status: facts.status,
        created: created - 60,
        evidence_details: {
          due_by: facts.evidenceDueBy === undefined ? created + 7 * 86_400 : facts.evidenceDueBy,
          has_evidence: false,
          past_due: false,
          submission_count: 0,
        },
        is_charge_refundable: false,
        livemode: false,
        metadata: {},
      },
    },
  };
}
