import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, outboxOf, person } from '@marketplace/kit/testing';
import { UPDATE_PREFERENCES, kindsOf, orderSummary, registered, startNotifications } from '../testing';

/** notifications' share of a data export, and its erasure: the inbox, the preferences and the replicated name go. */
let notifications: TestSubgraph;
beforeAll(async () => {
  notifications = await startNotifications();
});
afterAll(() => notifications.close());

const rows = <T = Record<string, unknown>>(sql: string, parameters: unknown[]) =>
  queryRows<T>(notifications.subgraph.deps.db, sql, parameters);

const licenseIssued = (ownerId: string) => ({
  licenseId: randomUUID(),
  productId: randomUUID(),
  ownerId,
  orderId: randomUUID(),
});

it("exports the user's notifications and preferences; nobody else's", async () => {
  const user = person();
  const other = person();
  await deliverEvent(notifications, Events.LicenseIssued, licenseIssued(user.id));
  await deliverEvent(notifications, Events.LicenseIssued, licenseIssued(other.id));
  await notifications.client.data(UPDATE_PREFERENCES, {
    variables: { input: { preferences: [{ category: 'SALES', inApp: false, email: false }] } },
    token: user.token,
  });
  const exportId = randomUUID();
  await deliverEvent(notifications, Events.UserDataExportRequested, { exportId, userId: user.id });
  const [part] = await outboxOf<PayloadOf<typeof Events.UserDataExportPart>>(notifications, exportId);
  expect(part.payload.subgraph).toBe('notifications');
  expect(part.payload.data.notifications).toEqual([expect.objectContaining({ kind: 'LICENSE_ISSUED' })]);
  expect(part.payload.data.notificationPreferences).toEqual([
    expect.objectContaining({ category: 'SALES', inApp: false, email: false }),
  ]);
  expect(JSON.stringify(part.payload)).not.toContain(other.id);
});

it('erases the inbox, the preferences and the replica; a late event for the erased user creates nothing', async () => {
  const user = person();
  await registered(notifications, 'CUSTOMER', user.id);
  await deliverEvent(notifications, Events.LicenseIssued, licenseIssued(user.id));
  const order = orderSummary({ userId: user.id });
  await deliverEvent(notifications, Events.OrderCreated, order);
  const pseudonym = randomUUID();
  await deliverEvent(notifications, Events.UserErased, { userId: user.id, pseudonym });
  expect(await rows(`SELECT 1 FROM notifications WHERE recipient_id = $1`, [user.id])).toEqual([]);
  expect(await rows(`SELECT 1 FROM recipients WHERE user_id = $1`, [user.id])).toEqual([]);
  expect(await rows(`SELECT user_id FROM order_recipients WHERE order_id = $1`, [order.orderId])).toEqual([
    { user_id: pseudonym },
  ]);
  await deliverEvent(notifications, Events.LicenseIssued, licenseIssued(user.id));
  await registered(notifications, 'CUSTOMER', user.id);
  // An order of the saga heard only now keeps no trace of the old id either.
  const late = orderSummary({ userId: user.id });
  await deliverEvent(notifications, Events.OrderCreated, late);
  const [lateRow] = await rows<{ user_id: string }>(`SELECT user_id FROM order_recipients WHERE order_id = $1`, [
    late.orderId,
  ]);
  expect(lateRow.user_id).not.toBe(user.id);
  expect(await kindsOf(notifications, user)).toEqual([]);
  expect(await rows(`SELECT 1 FROM recipients WHERE user_id = $1`, [user.id])).toEqual([]);
});
