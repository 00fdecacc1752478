import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, person } from '@marketplace/kit/testing';
import { activate, licensed, orderPaid, outboxOf, startLicensing } from '../testing';

/** licensing's share of a data export, and its erasure: licenses kept under the pseudonym, activations gone. */
let licensing: TestSubgraph;
beforeAll(async () => {
  licensing = await startLicensing();
});
afterAll(() => licensing.close());

const rows = <T = Record<string, unknown>>(sql: string, parameters: unknown[]) =>
  queryRows<T>(licensing.subgraph.deps.db, sql, parameters);

it("answers a data export with the user's licenses, activations and downloads, nobody else's", async () => {
  const mine = await licensed(licensing);
  const theirs = await licensed(licensing);
  expect((await activate(licensing, mine.key, 'my-laptop', mine.owner.token, 'Laptop')).errors).toBeUndefined();
  expect((await activate(licensing, theirs.key, 'their-laptop', theirs.owner.token)).errors).toBeUndefined();
  const exportId = randomUUID();
  await deliverEvent(licensing, Events.UserDataExportRequested, { exportId, userId: mine.owner.id });
  const [part] = await outboxOf<PayloadOf<typeof Events.UserDataExportPart>>(licensing, exportId);
  expect(part.type).toBe('user.data_export_part');
  expect(part.payload).toMatchObject({ exportId, userId: mine.owner.id, subgraph: 'licensing', truncated: false });
  expect(part.payload.data.licenses.map((license) => license.orderId)).toEqual([mine.order.orderId]);
  expect(part.payload.data.activations).toEqual([
    expect.objectContaining({ fingerprint: 'my-laptop', label: 'Laptop' }),
  ]);
  expect(JSON.stringify(part.payload)).not.toContain(theirs.owner.id);
  expect(JSON.stringify(part.payload)).not.toContain('their-laptop');
});

it('erases: the license stays for the order under the pseudonym, the machines are forgotten; twice changes nothing', async () => {
  const { owner, key, order } = await licensed(licensing);
  const other = await licensed(licensing);
  await activate(licensing, key, 'home-pc', owner.token, 'Home');
  await activate(licensing, other.key, 'other-pc', other.owner.token);
  const pseudonym = randomUUID();
  await deliverEvent(licensing, Events.UserErased, { userId: owner.id, pseudonym });
  await deliverEvent(licensing, Events.UserErased, { userId: owner.id, pseudonym: randomUUID() });
  expect(await rows(`SELECT owner_id, status FROM licenses WHERE order_id = $1`, [order.orderId])).toEqual([
    { owner_id: pseudonym, status: 'ACTIVE' },
  ]);
  expect(await rows(`SELECT 1 FROM licenses WHERE owner_id = $1`, [owner.id])).toEqual([]);
  expect(
    await rows(`SELECT a.fingerprint FROM activations a JOIN licenses l ON l.id = a.license_id WHERE l.order_id = $1`, [
      order.orderId,
    ]),
  ).toEqual([]);
  // Another customer's machines are untouched.
  expect(
    await rows(`SELECT a.fingerprint FROM activations a JOIN licenses l ON l.id = a.license_id WHERE l.order_id = $1`, [
      other.order.orderId,
    ]),
  ).toEqual([{ fingerprint: 'other-pc' }]);
});

it('a license issued late for an erased user gets a pseudonym of its own, never the old id', async () => {
  const owner = person();
  await deliverEvent(licensing, Events.UserErased, { userId: owner.id, pseudonym: randomUUID() });
  const late = orderPaid(owner);
  await deliverEvent(licensing, Events.OrderPaid, late);
  const [license] = await rows<{ owner_id: string }>(`SELECT owner_id FROM licenses WHERE order_id = $1`, [
    late.orderId,
  ]);
  expect(license.owner_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(license.owner_id).not.toBe(owner.id);
});
