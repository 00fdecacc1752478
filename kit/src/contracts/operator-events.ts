import { z } from 'zod';
import { defineEvent } from '../events/envelope';
import { AUDIT_ACTIONS, AuditAction, AuditActorKind } from './audit-actions';
import { DisputeStatus } from './disputes';
import { actor, money } from './event-payloads';

/**
 * The events of the operator console (issue 20), part of the catalog (`Events`): the audit
 * trail, account suspensions, privacy (exports and erasure), dead letters, card disputes and
 * the payment facts an order's timeline shows.
 */
export const OperatorEvents = {
  /**
   * An admin action or security event, recorded in the same transaction as the change
   * (every subgraph → operator: the append-only audit trail). See kit/src/audit.
   */
  AuditRecorded: defineEvent(
    'audit.recorded',
    1,
    z.object({
      action: z.enum(AUDIT_ACTIONS as [AuditAction, ...AuditAction[]]),
      actor: z.object({
        kind: z.enum(Object.keys(AuditActorKind) as [AuditActorKind, ...AuditActorKind[]]),
        /** The signed-in user (raw uuid); null for SYSTEM and ANONYMOUS. */
        userId: z.string().uuid().nullable(),
        role: z.enum(['CUSTOMER', 'VENDOR', 'ADMIN']).nullable(),
      }),
      /** The GraphQL type of what was acted on (`User`, `Order`, `Payout`…). */
      targetType: z.string().regex(/^[A-Z][A-Za-z]{0,63}$/),
      /** Its raw id (a uuid for every entity; the key's id for `SigningKey`). */
      targetId: z.string().min(1).max(200),
      /** What changed, before and after: only the fields the action changed, never secrets. */
      before: z.record(z.unknown()).nullable(),
      after: z.record(z.unknown()).nullable(),
      requestId: z.string().min(1).max(128),
      clientIp: z.string().max(64).nullable(),
    }),
  ),

  // Account suspensions
  /**
   * An admin suspended a user (or changed a standing suspension): sign-in refused, sessions
   * ended (users → catalog: the user's vendor leaves the storefront until `until` or reinstatement).
   */
  UserSuspended: defineEvent(
    'user.suspended',
    1,
    z.object({
      userId: z.string().uuid(),
      /** When the suspension ends by itself (ISO 8601); null: until an admin reinstates the user. */
      until: z.string().datetime({ offset: true }).nullable(),
    }),
  ),

  /** An admin lifted a user's suspension (users → catalog: their vendor's products return, unless the vendor is suspended itself). */
  UserReinstated: defineEvent('user.reinstated', 1, z.object({ userId: z.string().uuid() })),
  // Dead letters
  /**
   * A subgraph gave up on a delivery: one of its handlers failed every attempt, or the event
   * was malformed (every subgraph → operator: the dead-letter registry). Recorded in the
   * transaction that writes the subgraph's `dead_letters` row. Never recorded for a failed
   * `event.dead_lettered` itself, so a broken registry cannot feed itself.
   */
  EventDeadLettered: defineEvent(
    'event.dead_lettered',
    1,
    z.object({
      /** The dead letter's id in the owning subgraph (raw uuid). */
      deadLetterId: z.string().uuid(),
      /** The subgraph that owns the dead letter and may replay it. */
      subgraph: z.string().min(1).max(64),
      /** The handler that failed (its inbox name), or `-` when no handler got to run. */
      handler: z.string().min(1).max(200),
      /** The routing key it arrived with. */
      eventType: z.string().min(1).max(200),
      /** The event's id, when the envelope was readable. */
      eventId: z.string().uuid().nullable(),
      /** The envelope exactly as received: text, because a malformed one may not be JSON. */
      envelope: z.string(),
      /** The handler's last error message. */
      lastError: z.string().min(1),
      attempts: z.number().int().min(1),
      deadLetteredAt: z.string().datetime({ offset: true }),
    }),
  ),

  /** An admin asked for a dead letter to be redelivered (operator → every subgraph; only its owner acts). */
  EventReplayRequested: defineEvent(
    'event.replay_requested',
    1,
    z.object({ subgraph: z.string().min(1).max(64), deadLetterId: z.string().uuid() }),
  ),

  /**
   * The owner redelivered a dead letter through its inbox (subgraph → operator): APPLIED, or
   * ALREADY_APPLIED (the inbox held it: nothing happened twice), or FAILED with the error.
   */
  EventReplayed: defineEvent(
    'event.replayed',
    1,
    z.object({
      subgraph: z.string().min(1).max(64),
      deadLetterId: z.string().uuid(),
      outcome: z.enum(['APPLIED', 'ALREADY_APPLIED', 'FAILED']),
      /** Why the replay failed; null unless FAILED. */
      error: z.string().nullable(),
      replayedAt: z.string().datetime({ offset: true }),
    }),
  ),

  /** An admin discarded a dead letter, with a reason (operator → every subgraph; its owner marks the row). */
  EventDiscarded: defineEvent(
    'event.discarded',
    1,
    z.object({
      subgraph: z.string().min(1).max(64),
      deadLetterId: z.string().uuid(),
      reason: z.string().min(1).max(1000),
    }),
  ),

  // Card disputes
  /**
   * A dispute of a payment changed (opened, updated, closed): its whole state (payments →
   * vendor: the vendor's view of disputes on its sales). `revision` grows with every change,
   * so a consumer keeps the newest state whatever order the events arrive in.
   */
  PaymentDisputeUpdated: defineEvent(
    'payment.dispute_updated',
    1,
    z.object({
      paymentId: z.string().uuid(),
      orderId: z.string().uuid(),
      /** Stripe's id of the dispute (`dp_…`). */
      disputeId: z.string().min(1),
      status: z.nativeEnum(DisputeStatus),
      /** Stripe's reason code (`fraudulent`, `product_not_received`…). */
      reason: z.string().min(1),
      /** The disputed amount (usually the whole charge). */
      amount: money(),
      evidenceDueBy: z.string().datetime({ offset: true }).nullable(),
      openedAt: z.string().datetime({ offset: true }),
      closedAt: z.string().datetime({ offset: true }).nullable(),
      revision: z.number().int().min(1),
      /** True when the charge paid an order that had been cancelled (never credited); absent means false. */
      orderCancelled: z.boolean().optional(),
    }),
  ),

  /**
   * A dispute closed (payments → licensing: LOST revokes the order's licenses, WON restores
   * them; vendor: LOST debits the order's lines like a refund, once even if also refunded).
   */
  PaymentDisputeClosed: defineEvent(
    'payment.dispute_closed',
    1,
    z.object({
      paymentId: z.string().uuid(),
      orderId: z.string().uuid(),
      disputeId: z.string().min(1),
      outcome: z.enum(['WON', 'LOST']),
      status: z.nativeEnum(DisputeStatus),
      amount: money(),
      closedAt: z.string().datetime({ offset: true }),
      /** True when the charge paid an order that had been cancelled (never credited); absent means false. */
      orderCancelled: z.boolean().optional(),
    }),
  ),

  // Payment facts for the order timeline
  /** A customer started paying an order: its payment and provider intent were made (payments → orders: timeline). */
  PaymentAttemptStarted: defineEvent(
    'payment.attempt_started',
    1,
    z.object({
      paymentId: z.string().uuid(),
      orderId: z.string().uuid(),
      /** The provider charging it (`STRIPE`, `LOCAL`). */
      provider: z.string().min(1),
      amount: money(),
      /** Who asked (the order's owner). */
      actor: actor(),
    }),
  ),

  /** A verified provider webhook about an order's payment was received, once per provider event (payments → orders: timeline). */
  PaymentWebhookReceived: defineEvent(
    'payment.webhook_received',
    1,
    z.object({
      paymentId: z.string().uuid(),
      orderId: z.string().uuid(),
      /** The provider's event id and type, e.g. `evt_…` and `payment_intent.succeeded`. */
      providerEventId: z.string().min(1).max(255),
      providerEventType: z.string().min(1).max(100),
    }),
  ),

  /** Someone asked for an order's payment to be refunded (payments → orders: timeline, and who refunded). */
  PaymentRefundRequested: defineEvent(
    'payment.refund_requested',
    1,
    z.object({
      paymentId: z.string().uuid(),
      orderId: z.string().uuid(),
      reason: z.string().min(1),
      /** Who asked: an admin's refundOrder; absent when the marketplace refunded by itself. */
      actor: actor().optional(),
    }),
  ),

  // Privacy: data exports and erasure

  /** A user asked for a copy of their data (users → every subgraph holding some: answer with a part). */
  UserDataExportRequested: defineEvent(
    'user.data_export_requested',
    1,
    z.object({ exportId: z.string().uuid(), userId: z.string().uuid() }),
  ),

  /**
   * One subgraph's share of a data export (every subgraph → users, which assembles the document
   * once every expected subgraph answered). `data` maps a collection name (`orders`, `reviews`…)
   * to its rows as plain JSON; `truncated` says a collection hit the per-part row limit.
   */
  UserDataExportPart: defineEvent(
    'user.data_export_part',
    1,
    z.object({
      exportId: z.string().uuid(),
      userId: z.string().uuid(),
      subgraph: z.string().regex(/^[a-z][a-z-]{1,31}$/),
      data: z.record(z.array(z.record(z.unknown())).max(5_000)),
      truncated: z.boolean(),
    }),
  ),

  /**
   * A user's personal data was erased (users → every subgraph: anonymise what you hold of them,
   * replacing the user reference by `pseudonym`, a fresh uuid linked to nothing but this event).
   */
  UserErased: defineEvent('user.erased', 1, z.object({ userId: z.string().uuid(), pseudonym: z.string().uuid() })),
} as const;
