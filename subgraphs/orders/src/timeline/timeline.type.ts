import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../entity-stubs';
import { OrderStatus } from '../order/order.type';

/** What one timeline entry records; stored as is in `order_timeline.kind`. */
export enum OrderTimelineEntryKind {
  STATUS_CHANGED = 'STATUS_CHANGED',
  PAYMENT_ATTEMPT_STARTED = 'PAYMENT_ATTEMPT_STARTED',
  WEBHOOK_RECEIVED = 'WEBHOOK_RECEIVED',
  REFUND_REQUESTED = 'REFUND_REQUESTED',
  LINES_REFUNDED = 'LINES_REFUNDED',
  LICENSE_ISSUED = 'LICENSE_ISSUED',
  LICENSE_REVOKED = 'LICENSE_REVOKED',
  DISPUTE_OPENED = 'DISPUTE_OPENED',
  DISPUTE_CLOSED = 'DISPUTE_CLOSED',
}

registerEnumType(OrderTimelineEntryKind, {
  name: 'OrderTimelineEntryKind',
  description: 'What happened to an order at one point of its timeline.',
  valuesConfig: {
    STATUS_CHANGED: { description: 'The order entered another status (`status` says which).' },
    PAYMENT_ATTEMPT_STARTED: {
      description: 'The customer started paying: the payment and its provider intent were made.',
    },
    WEBHOOK_RECEIVED: { description: "The payment provider sent a verified event about the order's payment." },
    REFUND_REQUESTED: { description: 'Someone asked for the payment (some or all of its lines) to be refunded.' },
    LINES_REFUNDED: {
      description:
        "The payment provider confirmed a refund of some of the order's lines while others stay paid (the refund of the last ones is the REFUNDED status change).",
    },
    LICENSE_ISSUED: { description: 'A line of the order got its license.' },
    LICENSE_REVOKED: { description: 'A license of the order was revoked.' },
    DISPUTE_OPENED: { description: "The cardholder disputed the order's payment with their bank." },
    DISPUTE_CLOSED: {
      description: 'The dispute closed: won (the money stays) or lost (it went back to the cardholder).',
    },
  },
});

/** Who or what caused a timeline entry. */
export enum OrderTimelineActorKind {
  CUSTOMER = 'CUSTOMER',
  VENDOR = 'VENDOR',
  ADMIN = 'ADMIN',
  PAYMENT_PROVIDER = 'PAYMENT_PROVIDER',
  SYSTEM = 'SYSTEM',
}

registerEnumType(OrderTimelineActorKind, {
  name: 'OrderTimelineActorKind',
  description:
    'Who or what caused a timeline entry: a signed-in user (by role), the payment provider, or the marketplace.',
  valuesConfig: {
    CUSTOMER: { description: 'A signed-in customer (the order’s owner).' },
    VENDOR: { description: 'A signed-in vendor.' },
    ADMIN: { description: 'A signed-in admin.' },
    PAYMENT_PROVIDER: { description: 'The payment provider (Stripe), through its webhook.' },
    SYSTEM: { description: 'The marketplace itself: an event handler or a timer (the payment timeout).' },
  },
});

@ObjectType({ description: 'Who or what caused a timeline entry.' })
export class OrderTimelineActor {
  @Field(() => OrderTimelineActorKind, {
    description: 'A user by their role, the payment provider, or the marketplace.',
  })
  kind: OrderTimelineActorKind;

  @Field(() => User, {
    nullable: true,
    description:
      'The user who acted, for CUSTOMER, VENDOR and ADMIN. Null for the provider and the marketplace, for an admin when the viewer is not an admin (customers see that an admin acted, not which), and for an admin action recorded before timelines named the admin.',
  })
  user: User | null;
}

@ObjectType({ description: "One thing that happened to an order, in the order's timeline." })
export class OrderTimelineEntry {
  @Field({ description: 'When it happened.' })
  at: Date;

  @Field(() => OrderTimelineEntryKind, { description: 'What happened.' })
  kind: OrderTimelineEntryKind;

  @Field(() => OrderStatus, { nullable: true, description: 'The status entered, for STATUS_CHANGED; null otherwise.' })
  status: OrderStatus | null;

  @Field({ description: 'One short sentence for people, e.g. "Refund requested: duplicate purchase".' })
  summary: string;

  @Field(() => OrderTimelineActor, { description: 'Who or what caused it.' })
  actor: OrderTimelineActor;
}
