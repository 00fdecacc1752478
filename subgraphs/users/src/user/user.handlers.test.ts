import { DemoIds, Envelope, Events, createEnvelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, until, uuidOf } from '@marketplace/kit/testing';
import { VERIFICATION_SUBJECT, mailsTo, register, startUsers, uniqueEmail, waitForMail } from '../testing';

/** The first real flow on the event backbone: register → user.registered → verification email. */
let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers();
});
afterAll(() => users.close());

const db = () => users.subgraph.deps.db;

it('announces each seeded account once with user.registered (the replicas learn the demo emails), mailing none of them', async () => {
  await users.subgraph.wiring.seed?.();
  await users.subgraph.wiring.seed?.();
  const announced = await queryRows<{ envelope: Envelope<{ userId: string; email: string }> }>(
    db(),
    `SELECT envelope FROM outbox WHERE type = 'user.registered' AND envelope->>'correlationId' = 'seed'`,
  );
  const ids = announced.map((row) => row.envelope.payload.userId).sort();
  expect(ids).toEqual(Object.values(DemoIds.users).sort());
  await until(
    async () =>
      (await queryRows(db(), `SELECT 1 FROM inbox WHERE handler = 'send-verification-email'`)).length >= ids.length
        ? true
        : undefined,
    'the seeded registrations handled',
  );
  for (const { envelope } of announced) expect(mailsTo(users, envelope.payload.email)).toEqual([]);
});

it('records user.registered in the registering transaction, carrying the request id, and mails once it is handled', async () => {
  const email = uniqueEmail('events');
  const result = await users.client.request(`mutation($i: RegisterInput!) { register(input: $i) { user { id } } }`, {
    variables: { i: { email, password: 'an events passphrase', displayName: 'Eve Events' } },
    headers: { 'x-request-id': 'register-req-42' },
  });
  const userId = uuidOf(result.data!.register.user.id);
  const [outboxRow] = await queryRows<{ envelope: Envelope }>(
    db(),
    `SELECT envelope FROM outbox WHERE aggregate_id = $1`,
    [userId],
  );
  expect(outboxRow.envelope).toMatchObject({
    type: 'user.registered',
    version: 1,
    source: 'users',
    correlationId: 'register-req-42',
    aggregateId: userId,
    payload: { userId, email, displayName: 'Eve Events', role: 'CUSTOMER' },
  });

  await waitForMail(users, email, VERIFICATION_SUBJECT);
  expect(mailsTo(users, email).map((m) => m.subject)).toEqual([VERIFICATION_SUBJECT]);
  const handled = users.logs.records().find((r) => r.msg === 'verification email queued' && r.userId === userId);
  expect(handled).toMatchObject({
    correlationId: 'register-req-42',
    handler: 'send-verification-email',
    eventType: 'user.registered',
  });
  // The mail goes out inside the handler's transaction, so its inbox row commits a moment later.
  const inbox = await until(async () => {
    const rows = await queryRows(db(), `SELECT handler FROM inbox WHERE event_id = $1`, [outboxRow.envelope.id]);
    return rows.length > 0 ? rows : undefined;
  }, 'the inbox row of the handled user.registered');
  expect(inbox).toEqual([{ handler: 'send-verification-email' }]);
});

it('writes no event for a registration that fails', async () => {
  const email = uniqueEmail('dup');
  await register(users, email);
  const before = (await queryRows(db(), `SELECT count(*)::int AS n FROM outbox`))[0].n;
  const duplicate = await users.client.request(`mutation($i: RegisterInput!) { register(input: $i) { user { id } } }`, {
    variables: { i: { email, password: 'an events passphrase', displayName: 'Again' } },
  });
  expect(duplicate.errors?.[0].extensions?.code).toBe('CONFLICT');
  expect((await queryRows(db(), `SELECT count(*)::int AS n FROM outbox`))[0].n).toBe(before);
});

it('sends no second email when user.registered is delivered again', async () => {
  const email = uniqueEmail('again');
  const session = await register(users, email);
  const [{ envelope }] = await queryRows<{ envelope: Envelope }>(
    db(),
    `SELECT envelope FROM outbox WHERE aggregate_id = $1`,
    [uuidOf(session.user.id)],
  );
  const duplicates = async () => {
    const { values } = await users.subgraph.events.metrics.consumed.get();
    return values.find((v) => v.labels.outcome === 'duplicate' && v.labels.type === 'user.registered')?.value ?? 0;
  };
  const before = await duplicates();
  await users.subgraph.events.transport.publish(envelope);
  await until(async () => ((await duplicates()) > before ? true : undefined), 'the duplicate delivery to be consumed');
  expect(await duplicates()).toBe(before + 1);
  expect(mailsTo(users, email)).toHaveLength(1);
});

describe('vendor.approved', () => {
  async function approve(userId: string) {
    const envelope = createEnvelope(
      Events.VendorApproved,
      {
        vendorId: '00000000-0000-4000-8000-0000000000f1',
        userId,
        displayName: 'Shop',
        slug: 'shop',
        commissionBps: 1500,
      },
      {
        source: 'vendor',
        correlationId: 'approve-test',
        aggregateId: userId,
      },
    );
    await deliver(users, envelope);
  }
  const roleOf = async (id: string) => (await queryRows(db(), `SELECT role FROM users WHERE id = $1`, [id]))[0]?.role;

  it('makes the customer a VENDOR', async () => {
    const session = await register(users);
    await approve(uuidOf(session.user.id));
    expect(await roleOf(uuidOf(session.user.id))).toBe('VENDOR');
  });

  it('leaves an admin an admin, and ignores an unknown user', async () => {
    await users.subgraph.wiring.seed?.();
    await approve(DemoIds.users.admin);
    expect(await roleOf(DemoIds.users.admin)).toBe('ADMIN');
    await approve('00000000-0000-4000-8000-0000000000ee');
    expect(await roleOf('00000000-0000-4000-8000-0000000000ee')).toBeUndefined();
  });
});
