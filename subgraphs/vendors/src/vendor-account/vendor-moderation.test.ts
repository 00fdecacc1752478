import { randomUUID } from 'node:crypto';
import { Envelope, Role, queryRows } from '@marketplace/kit';
import { TestSubgraph, eventually, globalId, outboxOf, person, uuidOf } from '@marketplace/kit/testing';
import { APPROVE, REINSTATE, REJECT, SUSPEND, VendorView, applyAs, startVendor, tokenFor, vendorIn } from '../testing';

let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor();
});
afterAll(() => vendor.close());

const db = () => vendor.subgraph.deps.db;
/** The stored status of a vendor, by its API id. */
const statusOf = async (id: string) =>
  (await queryRows(db(), 'SELECT status FROM vendors WHERE id = $1', [uuidOf(id)]))[0]?.status;

/** Each move: its mutation, extra arguments, the status it starts from and the one it leads to. */
const MOVES = {
  approveVendor: { query: APPROVE, args: {}, from: 'PENDING', to: 'ACTIVE', event: 'vendor.approved' },
  rejectVendor: {
    query: REJECT,
    args: { reason: 'Your products need documentation.' },
    from: 'PENDING',
    to: 'REJECTED',
    event: 'vendor.rejected',
  },
  suspendVendor: {
    query: SUSPEND,
    args: { reason: 'Too many refunds.' },
    from: 'ACTIVE',
    to: 'SUSPENDED',
    event: 'vendor.suspended',
  },
  reinstateVendor: { query: REINSTATE, args: {}, from: 'SUSPENDED', to: 'ACTIVE', event: 'vendor.reinstated' },
} as const;
type MoveName = keyof typeof MOVES;
const moveNames = Object.keys(MOVES) as MoveName[];

function run(name: MoveName, id: string, token?: string, headers?: Record<string, string>) {
  const move = MOVES[name];
  return vendor.client.request<Record<string, { vendor: VendorView } | null>>(move.query, {
    variables: { id, ...move.args },
    token,
    headers,
  });
}

describe.each(moveNames)('%s', (name) => {
  const move = MOVES[name];

  it.each([
    ['anonymous', undefined, 'UNAUTHENTICATED'],
    ['a customer', Role.CUSTOMER, 'FORBIDDEN'],
    ['a vendor', Role.VENDOR, 'FORBIDDEN'],
  ] as const)('refuses %s with %s and changes nothing', async (_label, role, code) => {
    const { vendor: target } = await vendorIn(vendor, move.from, admin);
    const result = await run(name, target.id, role ? person(role).token : undefined);
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(result.data).toEqual({ [name]: null });
    expect(await statusOf(target.id)).toBe(move.from);
  });

  it("refuses the vendor's own user (who is no admin) with FORBIDDEN", async () => {
    const { owner, vendor: target } = await vendorIn(vendor, move.from, admin);
    expect(
      await vendor.client.errorCode(move.query, {
        variables: { id: target.id, ...move.args },
        token: tokenFor(owner.id, Role.VENDOR),
      }),
    ).toBe('FORBIDDEN');
    expect(await statusOf(target.id)).toBe(move.from);
  });

  it(`moves a ${move.from} vendor to ${move.to} and records ${move.event} in the same transaction, with the request id`, async () => {
    const { owner, vendor: target } = await vendorIn(vendor, move.from, admin);
    const before = await outboxOf(vendor, uuidOf(target.id));
    const requestId = `moderation-${name}-${Date.now()}`;
    const result = await run(name, target.id, admin.token, { 'x-request-id': requestId });
    expect(result.errors).toBeUndefined();
    expect(result.data![name]!.vendor).toMatchObject({ id: target.id, status: move.to });
    expect(await statusOf(target.id)).toBe(move.to);

    const all = (await outboxOf(vendor, uuidOf(target.id))).slice(before.length);
    // The move's event, and its audit record (the status and reasons before and after) in the same transaction.
    expect(all.map((envelope) => envelope.type)).toEqual([move.event, 'audit.recorded']);
    const reasons = (status: string) => ({
      status,
      rejectionReason: status === 'REJECTED' ? 'Your products need documentation.' : null,
      suspensionReason: status === 'SUSPENDED' ? ((move.args as { reason?: string }).reason ?? null) : null,
    });
    expect(all[1]).toMatchObject({
      correlationId: requestId,
      payload: {
        action: {
          approveVendor: 'VENDOR_APPROVED',
          rejectVendor: 'VENDOR_REJECTED',
          suspendVendor: 'VENDOR_SUSPENDED',
          reinstateVendor: 'VENDOR_REINSTATED',
        }[name],
        actor: { kind: 'USER', userId: admin.id, role: 'ADMIN' },
        targetType: 'Vendor',
        targetId: uuidOf(target.id),
        before: {
          status: move.from,
          rejectionReason: null,
          suspensionReason: move.from === 'SUSPENDED' ? expect.any(String) : null,
        },
        after: reasons(move.to),
        requestId,
      },
    });
    const recorded = all.slice(0, 1);
    const base = { vendorId: uuidOf(target.id), userId: owner.id };
    const payload = {
      approveVendor: { ...base, displayName: target.displayName, slug: target.slug, commissionBps: 1500 },
      rejectVendor: { ...base, reason: 'Your products need documentation.' },
      suspendVendor: base,
      reinstateVendor: base,
    }[name];
    expect(recorded[0]).toEqual({
      id: expect.any(String),
      type: move.event,
      version: 1,
      occurredAt: expect.any(String),
      source: 'vendor',
      correlationId: requestId,
      aggregateId: uuidOf(target.id),
      payload,
    });
  });

  const illegalFrom = (['PENDING', 'ACTIVE', 'REJECTED', 'SUSPENDED'] as const).filter(
    (status) => status !== move.from,
  );
  it.each(illegalFrom)(
    'refuses a %s vendor with CONFLICT (INVALID_STATUS) naming the current status, and records nothing',
    async (status) => {
      const { vendor: target } = await vendorIn(vendor, status, admin);
      const before = await outboxOf(vendor, uuidOf(target.id));
      const result = await run(name, target.id, admin.token);
      expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'INVALID_STATUS' });
      expect(result.errors?.[0].message).toContain(status);
      expect(result.data).toEqual({ [name]: null });
      expect(await statusOf(target.id)).toBe(status);
      expect(await outboxOf(vendor, uuidOf(target.id))).toEqual(before);
    },
  );

  it('answers NOT_FOUND for an unknown id', async () => {
    expect(
      await vendor.client.errorCode(move.query, {
        variables: { id: globalId('Vendor', randomUUID()), ...move.args },
        token: admin.token,
      }),
    ).toBe('NOT_FOUND');
  });

  it('answers BAD_USER_INPUT on input.vendorId for an id of another type, and moves nothing', async () => {
    const { vendor: target } = await vendorIn(vendor, move.from, admin);
    const result = await vendor.client.request(move.query, {
      variables: { id: globalId('Payout', uuidOf(target.id)), ...move.args },
      token: admin.token,
    });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.vendorId' }],
    });
    expect(await statusOf(target.id)).toBe(move.from);
  });

  it.each(['not-a-uuid', ''])('answers BAD_USER_INPUT on input.vendorId for a malformed id %j', async (id) => {
    const result = await vendor.client.request(move.query, { variables: { id, ...move.args }, token: admin.token });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.vendorId' }],
    });
  });

  it('lets exactly one of several racing admins make the move', async () => {
    const { vendor: target } = await vendorIn(vendor, move.from, admin);
    const before = await outboxOf(vendor, uuidOf(target.id));
    const admins = Array.from({ length: 5 }, () => person(Role.ADMIN));
    const results = await Promise.all(admins.map((a) => run(name, target.id, a.token)));
    expect(results.filter((r) => r.data?.[name]?.vendor.status === move.to)).toHaveLength(1);
    const conflicts = results.filter((r) => r.errors?.[0].extensions?.code === 'CONFLICT');
    expect(conflicts).toHaveLength(4);
    conflicts.forEach((r) => {
      expect(r.errors?.[0].extensions?.reason).toBe('INVALID_STATUS');
      expect(r.errors?.[0].message).toContain(move.to);
    });
    expect((await outboxOf(vendor, uuidOf(target.id))).slice(before.length).map((e) => e.type)).toEqual([
      move.event,
      'audit.recorded',
    ]);
  });
});

describe('approveVendor', () => {
  it('sets approvedAt and keeps it through a suspension and reinstatement', async () => {
    const { vendor: pending } = await applyAs(vendor);
    const approved = (await run('approveVendor', pending.id, admin.token)).data!.approveVendor!.vendor;
    expect(new Date(approved.approvedAt!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    await run('suspendVendor', pending.id, admin.token);
    const back = (await run('reinstateVendor', pending.id, admin.token)).data!.reinstateVendor!.vendor;
    expect(back).toMatchObject({ status: 'ACTIVE', approvedAt: approved.approvedAt, suspensionReason: null });
  });

  it('leaves the vendor PENDING when its event cannot be recorded: state and event commit together', async () => {
    const { vendor: target } = await applyAs(vendor);
    // A trigger that fails the outbox insert of this one vendor's event, after the status update ran.
    await db().query(`
      CREATE FUNCTION fail_outbox_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.aggregate_id = '${uuidOf(target.id)}' THEN RAISE EXCEPTION 'outbox unavailable'; END IF;
        RETURN NEW;
      END $$`);
    await db().query(
      `CREATE TRIGGER fail_outbox_for_test BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION fail_outbox_for_test()`,
    );
    try {
      const result = await run('approveVendor', target.id, admin.token);
      expect(result.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(await statusOf(target.id)).toBe('PENDING');
      // Only the application's own notice (vendor.applied), from before.
      expect((await outboxOf(vendor, uuidOf(target.id))).map((envelope) => envelope.type)).toEqual(['vendor.applied']);
    } finally {
      await db().query('DROP TRIGGER fail_outbox_for_test ON outbox');
      await db().query('DROP FUNCTION fail_outbox_for_test()');
    }
    expect((await run('approveVendor', target.id, admin.token)).data?.approveVendor?.vendor.status).toBe('ACTIVE');
  });
});

describe('rejectVendor and suspendVendor reasons', () => {
  it.each([
    ['empty', ''],
    ['blank', ' \n\t '],
    ['over-long', 'x'.repeat(2001)],
  ])(
    'refuses an %s rejection reason with BAD_USER_INPUT on input.reason, before touching the vendor',
    async (_label, reason) => {
      const { vendor: target } = await applyAs(vendor);
      const result = await vendor.client.request(REJECT, { variables: { id: target.id, reason }, token: admin.token });
      expect(result.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.reason' }],
      });
      expect(await statusOf(target.id)).toBe('PENDING');
    },
  );

  it('shows the rejection reason to the applicant and admins only, trimmed', async () => {
    const { owner, vendor: target } = await applyAs(vendor);
    await vendor.client.data(REJECT, {
      variables: { id: target.id, reason: '  Please add a refund policy.  ' },
      token: admin.token,
    });
    const read = async (token?: string) =>
      (
        await vendor.client.data(`query($id: ID!) { vendor(id: $id) { rejectionReason } }`, {
          variables: { id: target.id },
          token,
        })
      ).vendor?.rejectionReason;
    expect(await read(owner.token)).toBe('Please add a refund policy.');
    expect(await read(admin.token)).toBe('Please add a refund policy.');
    expect(await read(person().token)).toBeUndefined(); // a REJECTED vendor is hidden from everyone else
  });

  it('suspends without a reason, and refuses an over-long one', async () => {
    const { vendor: target } = await vendorIn(vendor, 'ACTIVE', admin);
    const tooLong = await vendor.client.request(SUSPEND, {
      variables: { id: target.id, reason: 'x'.repeat(2001) },
      token: admin.token,
    });
    expect(tooLong.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.reason' }],
    });
    const suspended = await vendor.client.data(SUSPEND, { variables: { id: target.id }, token: admin.token });
    expect(suspended.suspendVendor.vendor).toMatchObject({ status: 'SUSPENDED', suspensionReason: null });
    // A blank reason is no reason: null, never "".
    const { vendor: other } = await vendorIn(vendor, 'ACTIVE', admin);
    const blank = await vendor.client.data(SUSPEND, { variables: { id: other.id, reason: '  ' }, token: admin.token });
    expect(blank.suspendVendor.vendor.suspensionReason).toBeNull();
  });
});

describe('delivery', () => {
  it("publishes a vendor's events through the transport in the order they were recorded", async () => {
    const received: Envelope[] = [];
    const probe = await vendor.subgraph.events.transport.consume(
      'vendor-events-probe',
      ['vendor.approved', 'vendor.rejected', 'vendor.suspended', 'vendor.reinstated'],
      async (delivery) => {
        received.push(JSON.parse(delivery.body.toString()));
        await delivery.ack();
      },
      { prefetch: 1 },
    );
    try {
      const { vendor: target } = await applyAs(vendor);
      for (const name of ['approveVendor', 'suspendVendor', 'reinstateVendor'] as const) {
        expect((await run(name, target.id, admin.token)).errors).toBeUndefined();
      }
      const recorded = (await outboxOf(vendor, uuidOf(target.id))).filter(
        (envelope) => envelope.type !== 'audit.recorded' && envelope.type !== 'vendor.applied',
      );
      const mine = () => received.filter((envelope) => envelope.aggregateId === uuidOf(target.id));
      await eventually(
        async () => mine().length === 3,
        15_000,
        () => `3 events, got ${mine().length} (${vendor.subgraph.events.transport.kind})`,
      );
      expect(mine()).toEqual(recorded);
      expect(mine().map((envelope) => envelope.type)).toEqual([
        'vendor.approved',
        'vendor.suspended',
        'vendor.reinstated',
      ]);
      // The broker may deliver before the relay has marked the rows sent (it does so after the confirm).
      const unsent = async () =>
        (
          await queryRows(
            db(),
            'SELECT count(*)::int AS unsent FROM outbox WHERE aggregate_id = $1 AND sent_at IS NULL',
            [uuidOf(target.id)],
          )
        )[0].unsent;
      await eventually(
        async () => (await unsent()) === 0,
        15_000,
        () => 'the relay to mark the events sent',
      );
      expect(await unsent()).toBe(0);
    } finally {
      await probe.cancel();
    }
  });
});
