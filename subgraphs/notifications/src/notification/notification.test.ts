import { randomUUID } from 'node:crypto';
import { Events, queryRows } from '@marketplace/kit';
import { Person, TestSubgraph, deliverEvent, globalId, person } from '@marketplace/kit/testing';
import { MARK_READ, NotificationView, USER_INBOX, USER_NEWEST, inboxOf, startNotifications } from '../testing';

/** The inbox API: who may read it, paging, marking read, and the inputs refused. */
let notifications: TestSubgraph;
beforeAll(async () => {
  notifications = await startNotifications();
});
afterAll(() => notifications.close());

/** `n` notifications for `owner`, oldest first (one `license.issued` each). */
async function notify(owner: Person, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1)
    await deliverEvent(notifications, Events.LicenseIssued, {
      licenseId: randomUUID(),
      productId: randomUUID(),
      ownerId: owner.id,
      orderId: randomUUID(),
    });
}

const nodesOf = async (owner: Person, filter = {}): Promise<NotificationView[]> =>
  (await inboxOf(notifications, owner, filter)).notifications!.edges.map((edge) => edge.node);

const markRead = (token: string | undefined, input: Record<string, unknown>) =>
  notifications.client.request<{
    markNotificationsRead: { notifications: { id: string; read: boolean }[]; unreadNotificationCount: number };
  }>(MARK_READ, { variables: { input }, token });

describe('reading', () => {
  it('pages newest first with a total, and filters the unread ones', async () => {
    const owner = person();
    await notify(owner, 5);
    const first = await notifications.client.data<{
      _entities: [
        {
          notifications: {
            totalCount: number;
            pageInfo: { hasNextPage: boolean; endCursor: string };
            edges: { node: NotificationView }[];
          };
        },
      ];
    }>(USER_INBOX, { variables: { userId: globalId('User', owner.id), first: 2 }, token: owner.token });
    const page = first._entities[0].notifications;
    expect(page.totalCount).toBe(5);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const all = await nodesOf(owner);
    expect(page.edges.map((edge) => edge.node.id)).toEqual(all.slice(0, 2).map((node) => node.id));
    const times = all.map((node) => Date.parse(node.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const next = await notifications.client.data<{
      _entities: [{ notifications: { edges: { node: { id: string } }[] } }];
    }>(USER_INBOX, {
      variables: { userId: globalId('User', owner.id), first: 10, after: page.pageInfo.endCursor },
      token: owner.token,
    });
    expect(next._entities[0].notifications.edges.map((edge) => edge.node.id)).toEqual(
      all.slice(2).map((node) => node.id),
    );

    await markRead(owner.token, { notificationIds: [all[0].id] });
    expect((await nodesOf(owner, { unreadOnly: true })).map((node) => node.id)).toEqual(
      all.slice(1).map((node) => node.id),
    );
    expect((await inboxOf(notifications, owner)).unreadNotificationCount).toBe(4);
  });

  it.each([
    ['signed out', () => undefined, 'UNAUTHENTICATED'],
    ['another customer', () => person().token, 'FORBIDDEN'],
    ['an admin', () => person('ADMIN').token, 'FORBIDDEN'],
  ])("refuses another user's inbox (%s): null with %s", async (_who, tokenOf, code) => {
    const owner = person();
    await notify(owner, 1);
    const result = await notifications.client.request<{ _entities: [Record<string, unknown>] }>(USER_INBOX, {
      variables: { userId: globalId('User', owner.id) },
      token: tokenOf(),
    });
    expect(result.data?._entities[0]).toEqual({ unreadNotificationCount: null, notifications: null });
    expect(new Set(result.errors?.map((error) => error.extensions?.code))).toEqual(new Set([code]));
    // The newest notification is one object: null without an error (rule 2).
    const newest = await notifications.client.request<{ _entities: [{ newestNotification: unknown }] }>(USER_NEWEST, {
      variables: { userId: globalId('User', owner.id) },
      token: tokenOf(),
    });
    expect({ data: newest.data, errors: newest.errors }).toEqual({
      data: { _entities: [{ newestNotification: null }] },
      errors: undefined,
    });
  });

  it('answers User.notification(notificationId) to the owner only: null for anyone else, as for a missing one', async () => {
    const owner = person();
    await notify(owner, 1);
    const [node] = await nodesOf(owner);
    const ONE = `query($userId: ID!, $id: ID!) { _entities(representations: [{ __typename: "User", id: $userId }]) { ... on User { notification(notificationId: $id) { id kind } } } }`;
    const ask = (who: Person, userId = owner.id, id = node.id) =>
      notifications.client.request<{ _entities: [{ notification: unknown }] }>(ONE, {
        variables: { userId: globalId('User', userId), id },
        token: who.token,
      });
    expect((await ask(owner)).data?._entities[0].notification).toEqual({ id: node.id, kind: 'LICENSE_ISSUED' });
    const stranger = person();
    for (const answer of [
      await ask(stranger),
      await ask(stranger, stranger.id),
      await ask(person('ADMIN')),
      await ask(owner, owner.id, globalId('Notification', randomUUID())),
    ])
      expect({ data: answer.data, errors: answer.errors }).toEqual({
        data: { _entities: [{ notification: null }] },
        errors: undefined,
      });
  });

  it('answers node(id) for the owner only: null for anyone else, as for a missing one', async () => {
    const owner = person();
    await notify(owner, 1);
    const [node] = await nodesOf(owner);
    const ENTITY = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Notification { id kind } } }`;
    const ask = (token: string | undefined, id = node.id) =>
      notifications.client.data<{ _entities: unknown[] }>(ENTITY, {
        variables: { reps: [{ __typename: 'Notification', id }] },
        token,
      });
    expect((await ask(owner.token))._entities).toEqual([{ id: node.id, kind: 'LICENSE_ISSUED' }]);
    for (const token of [undefined, person().token, person('ADMIN').token])
      expect((await ask(token))._entities).toEqual([null]);
    expect((await ask(owner.token, globalId('Notification', randomUUID())))._entities).toEqual([null]);
  });
});

describe('markNotificationsRead', () => {
  it('marks the ones named, keeps their first readAt, and answers the unread count', async () => {
    const owner = person();
    await notify(owner, 3);
    const [a, b] = await nodesOf(owner);
    const once = await markRead(owner.token, { notificationIds: [a.id] });
    expect(once.data?.markNotificationsRead).toMatchObject({
      notifications: [{ id: a.id, read: true }],
      unreadNotificationCount: 2,
    });
    const firstReadAt = (await nodesOf(owner))[0].readAt;
    const again = await markRead(owner.token, { notificationIds: [b.id, a.id] });
    expect(again.data?.markNotificationsRead.notifications.map((node) => node.id)).toEqual([b.id, a.id]);
    expect(again.data?.markNotificationsRead.unreadNotificationCount).toBe(1);
    expect((await nodesOf(owner))[0].readAt).toBe(firstReadAt);
  });

  it('marks all unread ones', async () => {
    const owner = person();
    await notify(owner, 3);
    const all = await markRead(owner.token, { all: true });
    expect(all.data?.markNotificationsRead).toMatchObject({ unreadNotificationCount: 0 });
    expect(all.data?.markNotificationsRead.notifications).toHaveLength(3);
    expect((await nodesOf(owner)).every((node) => node.read)).toBe(true);
  });

  it("answers NOT_FOUND for another user's notification, exactly as for a missing one, and marks nothing", async () => {
    const owner = person();
    const other = person();
    await notify(owner, 1);
    await notify(other, 1);
    const [mine] = await nodesOf(owner);
    const [theirs] = await nodesOf(other);
    for (const ids of [[theirs.id], [mine.id, theirs.id], [globalId('Notification', randomUUID())]]) {
      const result = await markRead(owner.token, { notificationIds: ids });
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await nodesOf(owner))[0].read).toBe(false);
    expect((await nodesOf(other))[0].read).toBe(false);
  });

  it('refuses a signed-out caller', async () => {
    const result = await markRead(undefined, { all: true });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it.each([
    ['neither', {}, 'input.notificationIds'],
    ['both', { notificationIds: [globalId('Notification', randomUUID())], all: true }, 'input.all'],
    ['no ids', { notificationIds: [] }, 'input.notificationIds'],
    [
      'too many ids',
      { notificationIds: Array.from({ length: 101 }, () => globalId('Notification', randomUUID())) },
      'input.notificationIds',
    ],
    ['all: false', { all: false }, 'input.notificationIds'],
    ['a malformed id', { notificationIds: ['Notification:1'] }, 'input.notificationIds.0'],
    ['an id of another type', { notificationIds: [globalId('Order', randomUUID())] }, 'input.notificationIds.0'],
  ])('refuses %s with BAD_USER_INPUT on the field', async (_what, input, field) => {
    const result = await markRead(person().token, input);
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [expect.objectContaining({ field })],
    });
  });

  it('racing with a new notification: the new one is either marked or counted unread, never lost', async () => {
    const owner = person();
    await notify(owner, 2);
    for (let round = 0; round < 5; round += 1) {
      const [marked] = await Promise.all([markRead(owner.token, { all: true }), notify(owner, 1)]);
      const answered = marked.data!.markNotificationsRead.unreadNotificationCount;
      expect([0, 1]).toContain(answered);
      const [{ unread }] = await queryRows<{ unread: number }>(
        notifications.subgraph.deps.db,
        `SELECT count(*)::int AS unread FROM notifications WHERE recipient_id = $1 AND read_at IS NULL`,
        [owner.id],
      );
      // What the payload answered is what the table holds once both committed, or the new one came after it.
      expect(unread).toBeGreaterThanOrEqual(answered);
      expect(unread).toBeLessThanOrEqual(1);
      expect((await inboxOf(notifications, owner)).unreadNotificationCount).toBe(unread);
    }
  });
});
