import { randomUUID } from 'node:crypto';
import { Events } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, globalId, person } from '@marketplace/kit/testing';
import { UPDATE_PREFERENCES, USER_PREFERENCES, kindsOf, startNotifications } from '../testing';

/** Preferences per category and channel: stored, honoured in the app, transactional ones always on. */
let notifications: TestSubgraph;
beforeAll(async () => {
  notifications = await startNotifications();
});
afterAll(() => notifications.close());

interface PreferenceView {
  category: string;
  transactional: boolean;
  inApp: boolean;
  email: boolean;
}

const update = (token: string | undefined, preferences: unknown[]) =>
  notifications.client.request<{
    updateNotificationPreferences: { notificationPreferences: PreferenceView[]; user: { id: string } };
  }>(UPDATE_PREFERENCES, { variables: { input: { preferences } }, token });

const preferencesOf = (userId: string, token: string | undefined) =>
  notifications.client.request<{ _entities: [{ notificationPreferences: PreferenceView[] | null }] }>(
    USER_PREFERENCES,
    {
      variables: { userId: globalId('User', userId) },
      token,
    },
  );

it('starts with every channel on, transactional categories marked', async () => {
  const user = person();
  const { data } = await preferencesOf(user.id, user.token);
  expect(data?._entities[0].notificationPreferences).toEqual([
    { category: 'SECURITY', transactional: true, inApp: true, email: true },
    { category: 'RECEIPTS', transactional: true, inApp: true, email: true },
    { category: 'ACCOUNT', transactional: false, inApp: true, email: true },
    { category: 'SALES', transactional: false, inApp: true, email: true },
    { category: 'WISHLIST', transactional: false, inApp: true, email: true },
    { category: 'MODERATION', transactional: false, inApp: true, email: true },
    { category: 'OPERATIONS', transactional: false, inApp: true, email: true },
  ]);
});

it('stores a change per category and channel, and no longer creates in-app notifications of a category turned off', async () => {
  const vendor = person('VENDOR');
  const result = await update(vendor.token, [{ category: 'SALES', inApp: false, email: true }]);
  expect(result.data?.updateNotificationPreferences.user).toEqual({ id: globalId('User', vendor.id) });
  expect(result.data?.updateNotificationPreferences.notificationPreferences).toContainEqual({
    category: 'SALES',
    transactional: false,
    inApp: false,
    email: true,
  });
  expect((await preferencesOf(vendor.id, vendor.token)).data?._entities[0].notificationPreferences).toContainEqual(
    expect.objectContaining({ category: 'SALES', inApp: false, email: true }),
  );
  const sale = {
    vendorId: randomUUID(),
    userId: vendor.id,
    orderId: randomUUID(),
    number: 'M-2002',
    gross: { amount: 1000, currency: 'EUR' },
    commission: { amount: 150, currency: 'EUR' },
    net: { amount: 850, currency: 'EUR' },
    items: [{ productId: randomUUID(), name: 'Agent' }],
  };
  await deliverEvent(notifications, Events.VendorSaleCredited, sale);
  expect(await kindsOf(notifications, vendor)).toEqual([]);
  // A transactional notification comes whatever the other categories say.
  await deliverEvent(notifications, Events.LicenseIssued, {
    licenseId: randomUUID(),
    productId: randomUUID(),
    ownerId: vendor.id,
    orderId: randomUUID(),
  });
  expect(await kindsOf(notifications, vendor)).toEqual(['LICENSE_ISSUED']);
  // On again: the next sale shows.
  await update(vendor.token, [{ category: 'SALES', inApp: true, email: false }]);
  await deliverEvent(notifications, Events.VendorSaleCredited, { ...sale, orderId: randomUUID() });
  expect((await kindsOf(notifications, vendor))[0]).toBe('NEW_SALE');
});

it.each([
  ['RECEIPTS in the app', [{ category: 'RECEIPTS', inApp: false, email: true }], ['input.preferences.0.inApp']],
  ['SECURITY by email', [{ category: 'SECURITY', inApp: true, email: false }], ['input.preferences.0.email']],
  [
    'a category twice',
    [
      { category: 'SALES', inApp: false, email: false },
      { category: 'SALES', inApp: true, email: true },
    ],
    ['input.preferences.1.category'],
  ],
  ['nothing', [], ['input.preferences']],
])('refuses to turn off %s (BAD_USER_INPUT with the field) and changes nothing', async (_what, preferences, fields) => {
  const user = person();
  const result = await update(user.token, [...preferences, ...(preferences.length ? [] : [])]);
  expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  expect((result.errors?.[0].extensions?.fields as { field: string }[]).map((problem) => problem.field)).toEqual(
    fields,
  );
  expect(
    (await preferencesOf(user.id, user.token)).data?._entities[0].notificationPreferences?.every(
      (p) => p.inApp && p.email,
    ),
  ).toBe(true);
});

it('refuses an unknown category (the schema) and a signed-out caller', async () => {
  const unknown = await update(person().token, [{ category: 'NEWSLETTER', inApp: false, email: false }]);
  expect(unknown.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const anonymous = await update(undefined, [{ category: 'SALES', inApp: false, email: false }]);
  expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
});

it.each([
  ['signed out', () => undefined, 'UNAUTHENTICATED'],
  ['another customer', () => person().token, 'FORBIDDEN'],
  ['an admin', () => person('ADMIN').token, 'FORBIDDEN'],
])("refuses another user's preferences (%s): null with %s", async (_who, tokenOf, code) => {
  const owner = person();
  const result = await preferencesOf(owner.id, tokenOf());
  expect(result.data?._entities[0].notificationPreferences).toBeNull();
  expect(result.errors?.[0].extensions?.code).toBe(code);
});
