import { randomUUID } from 'node:crypto';
import { Envelope, EventDefinition, Events, PayloadOf, queryRows } from '@marketplace/kit';
import { Person, TestSubgraph, deliverEvent, globalId, startTestSubgraph, until } from '@marketplace/kit/testing';
import { notificationsSubgraph } from './index';

export const TEST_APP_URL = 'https://shop.example.test';

export function startNotifications(env: Record<string, string> = {}): Promise<TestSubgraph> {
  return startTestSubgraph(notificationsSubgraph, { APP_URL: TEST_APP_URL, ...env });
}

export type OrderSummary = PayloadOf<typeof Events.OrderCreated>;

/** An order of one line as orders announces it; `overrides` change any part. */
export function orderSummary(overrides: Partial<OrderSummary> = {}): OrderSummary {
  const orderId = overrides.orderId ?? randomUUID();
  return {
    orderId,
    number: `M-${orderId.slice(0, 6)}`,
    userId: randomUUID(),
    total: { amount: 1999, currency: 'USD' },
    items: [
      {
        productId: randomUUID(),
        vendorId: randomUUID(),
        name: 'Support Agent',
        unitPrice: { amount: 1999, currency: 'USD' },
      },
    ],
    ...overrides,
  };
}

/** A user as users announces a registration. */
export async function registered(
  target: TestSubgraph,
  role: 'CUSTOMER' | 'VENDOR' | 'ADMIN',
  userId: string = randomUUID(),
): Promise<string> {
  await deliverEvent(target, Events.UserRegistered, {
    userId,
    email: `${role.toLowerCase()}-${userId.slice(0, 8)}@example.com`,
    displayName: `${role} ${userId.slice(0, 4)}`,
    role,
  });
  return userId;
}

export const NOTIFICATION_FIELDS = 'id category kind title body link createdAt readAt read';

/** `me { notifications … }` as the gateway asks this subgraph for it: the fields of the viewer's own User. */
export const USER_INBOX = `query($userId: ID!, $first: Int, $after: String, $filter: NotificationFilter) {
  _entities(representations: [{ __typename: "User", id: $userId }]) { ... on User {
    unreadNotificationCount
    notifications(first: $first, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${NOTIFICATION_FIELDS} } }
    }
  } }
}`;

export const USER_PREFERENCES = `query($userId: ID!) {
  _entities(representations: [{ __typename: "User", id: $userId }]) { ... on User {
    notificationPreferences { category transactional inApp email }
  } }
}`;

export const USER_NEWEST = `query($userId: ID!) {
  _entities(representations: [{ __typename: "User", id: $userId }]) { ... on User { newestNotification { ${NOTIFICATION_FIELDS} } } }
}`;

export const MARK_READ = `mutation($input: MarkNotificationsReadInput!) {
  markNotificationsRead(input: $input) { notifications { id read readAt } unreadNotificationCount user { id } }
}`;

export const UPDATE_PREFERENCES = `mutation($input: UpdateNotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) { notificationPreferences { category transactional inApp email } user { id } }
}`;

export interface NotificationView {
  id: string;
  category: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
  read: boolean;
}

export interface InboxView {
  unreadNotificationCount: number | null;
  notifications: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: NotificationView }[];
  } | null;
}

/** The user's inbox as its owner reads it (all, newest first, up to 100). */
export async function inboxOf(target: TestSubgraph, person: Person, filter: { unreadOnly?: boolean } = {}) {
  const { _entities } = await target.client.data<{ _entities: [InboxView] }>(USER_INBOX, {
    variables: { userId: globalId('User', person.id), first: 100, filter },
    token: person.token,
  });
  return _entities[0];
}

/** The kinds in the user's inbox, newest first. */
export async function kindsOf(target: TestSubgraph, person: Person): Promise<string[]> {
  return (await inboxOf(target, person)).notifications!.edges.map((edge) => edge.node.kind);
}

/**
 * `deliverEvent` for an event several handlers here take: waits until `handlers` of them
 * committed (the kit's `deliver` returns after the first).
 */
export async function deliverToAll<T>(
  target: TestSubgraph,
  definition: EventDefinition<T>,
  payload: T,
  handlers: number,
): Promise<Envelope<T>> {
  const envelope = await deliverEvent(target, definition, payload);
  await settled(target, envelope, handlers);
  return envelope;
}

/** Waits until `handlers` handlers here committed `envelope`. */
export async function settled(target: TestSubgraph, envelope: Envelope, handlers: number): Promise<void> {
  await until(async () => {
    const [{ count }] = await queryRows<{ count: number }>(
      target.subgraph.deps.db,
      `SELECT count(*)::int AS count FROM inbox WHERE event_id = $1`,
      [envelope.id],
    );
    return count >= handlers ? true : undefined;
  }, `${envelope.type} handled by ${handlers} handlers`);
}
