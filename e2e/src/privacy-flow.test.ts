import { randomBytes } from 'node:crypto';
import { DemoIds, UrlTokenSigner } from '@marketplace/kit';
import { globalId, uuidOf } from '@marketplace/kit/testing';
import { TestSupergraph, startTestSupergraph } from './testing/supergraph';
import {
  Buyer,
  DATA_EXPORT,
  DELETE,
  ERASE,
  EXPORT,
  adaProducts,
  codeOf,
  downloadThroughGateway,
  exportWhenReady,
  freshVendor,
  outboxOfType,
  reasonOf,
  buyer,
  register,
  rowsIn,
  signIn,
  untilErasedEverywhere,
} from './testing/privacy';

/**
 * Issue 20's privacy bullet through the gateway: a customer who bought, activated and
 * reviewed exports their data (one JSON document with every subgraph's part, downloadable
 * by them only), then deletes the account (anonymised in every subgraph, amounts kept);
 * an admin erases another user likewise; guards and the authorization matrix (races of an
 * erasure with a sign-in or a checkout: privacy-races.test.ts).
 */
const SIGNING_SECRET = randomBytes(32);

let supergraph: TestSupergraph;
let admin: string;
let ada: string;
let products: string[];
let alice: Buyer;
let bob: Buyer;
beforeAll(async () => {
  supergraph = await startTestSupergraph({
    PAYMENT_SIMULATION_ENABLED: 'true',
    REGISTRATIONS_PER_IP_PER_HOUR: '1000',
    URL_SIGNING_SECRET: SIGNING_SECRET.toString('hex'),
    ORDER_EXPIRY_CHECK_SECONDS: '3600',
  });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  admin = await signIn(supergraph, 'admin@marketplace.local', 'admin-password-123');
  ada = await signIn(supergraph, 'ada@vendors.local', 'demo-password-123');
  products = await adaProducts(supergraph);
  [alice, bob] = await Promise.all([buyer(supergraph, 'Alice', products[0]), buyer(supergraph, 'Bob', products[1])]);
}, 120_000);
afterAll(() => supergraph?.close(), 60_000);

const gql = () => supergraph.client;
const readyExport = (token: string, id: string) => exportWhenReady(supergraph, token, id);
const download = (url: string, token?: string) => downloadThroughGateway(supergraph, url, token);
const outboxOf = (subgraph: string, type: string) => outboxOfType(supergraph, subgraph, type);

describe('exportMyData', () => {
  it("assembles one document of the customer's data from every subgraph, downloadable by them alone", async () => {
    // Two at once: one export, the other refused while it is pending.
    const [first, second] = await Promise.all([
      gql().request(EXPORT, { token: alice.token }),
      gql().request(EXPORT, { token: alice.token }),
    ]);
    const answers = [first, second].map(codeOf).sort();
    expect(answers).toEqual(['CONFLICT', 'OK']);
    const started = (first.data?.exportMyData ?? second.data?.exportMyData)!.dataExport;
    expect(reasonOf(codeOf(first) === 'CONFLICT' ? first : second)).toBe('EXPORT_PENDING');
    expect(started).toMatchObject({ status: 'PENDING', readyAt: null, downloadUrl: null });

    const ready = await readyExport(alice.token, started.id);
    expect(ready.downloadUrl).toMatch(/\/exports\/[^/]+$/);
    expect(new Date(ready.expiresAt).getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);

    const response = await download(ready.downloadUrl, alice.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const text = await response.text();
    const document = JSON.parse(text);
    expect(document.format).toBe('marketplace-data-export/1');
    expect(Object.keys(document.subgraphs).sort()).toEqual([
      'billing',
      'catalog',
      'licensing',
      'notifications',
      'orders',
      'payments',
      'users',
      'vendor',
    ]);
    expect(document.subgraphs.users.profile[0]).toMatchObject({ id: uuidOf(alice.id), email: alice.email });
    expect(document.subgraphs.orders.orders.map((o: { id: string }) => o.id)).toEqual([uuidOf(alice.orderId)]);
    expect(document.subgraphs.payments.payments).toHaveLength(1);
    expect(document.subgraphs.licensing.licenses[0]).toMatchObject({ id: uuidOf(alice.licenseId) });
    expect(document.subgraphs.licensing.activations[0]).toMatchObject({ fingerprint: alice.fingerprint });
    expect(document.subgraphs.catalog.reviews[0]).toMatchObject({ body: alice.reviewBody, rating: 4 });
    expect(document.subgraphs.billing.invoices.map((i: { orderId: string }) => i.orderId)).toEqual([
      uuidOf(alice.orderId),
    ]);
    expect(document.subgraphs.billing.creditNotes).toEqual([]);
    expect(document.subgraphs.vendor).toEqual({ vendorProfile: [], vendorImages: [], ledgerEntries: [], payouts: [] });
    expect(document.subgraphs.notifications.notifications.map((n: { kind: string }) => n.kind)).toContain(
      'ORDER_RECEIPT',
    );
    // Nothing of anyone else, and no secret.
    for (const foreign of [
      bob.email,
      uuidOf(bob.id),
      uuidOf(bob.orderId),
      bob.fingerprint,
      bob.reviewBody,
      'password',
      'client_secret',
    ])
      expect(text).not.toContain(foreign);

    // The owner's exports; nobody else sees them, admins included.
    const { me } = await gql().data(`{ me { dataExports(first: 5) { totalCount edges { node { id status } } } } }`, {
      token: alice.token,
    });
    expect(me.dataExports).toEqual({ totalCount: 1, edges: [{ node: { id: started.id, status: 'READY' } }] });
    expect((await gql().data(DATA_EXPORT, { variables: { id: started.id }, token: bob.token })).dataExport).toBeNull();
    expect((await gql().data(DATA_EXPORT, { variables: { id: started.id } })).dataExport).toBeNull();
    expect((await gql().data(DATA_EXPORT, { variables: { id: started.id }, token: admin })).dataExport).toBeNull();
    const asAdmin = await gql().request(`query($u: ID!) { user(id: $u) { id dataExports { totalCount } } }`, {
      variables: { u: alice.id },
      token: admin,
    });
    expect(asAdmin.data?.user).toEqual({ id: alice.id, dataExports: null });
    expect(codeOf(asAdmin)).toBe('FORBIDDEN');

    // The link alone is not enough; another user, a forged or an expired link are refused.
    expect((await download(ready.downloadUrl)).status).toBe(401);
    expect((await download(ready.downloadUrl, bob.token)).status).toBe(403);
    expect((await download(`${ready.downloadUrl.slice(0, -3)}abc`, alice.token)).status).toBe(403);
    const signer = new UrlTokenSigner(SIGNING_SECRET);
    const expired = signer.sign(
      'data-export',
      { eid: uuidOf(started.id), uid: uuidOf(alice.id), exp: Math.floor(Date.now() / 1000) - 60 },
      3600,
    );
    expect((await download(`http://x/exports/${expired}`, alice.token)).status).toBe(410);
    const otherPurpose = signer.sign(
      'license-download',
      { eid: uuidOf(started.id), uid: uuidOf(alice.id), exp: 2e9 },
      3600,
    );
    expect((await download(`http://x/exports/${otherPurpose}`, alice.token)).status).toBe(403);

    // Once READY, the next export may start; the audit trail recorded both, without personal data.
    expect(codeOf(await gql().request(EXPORT, { token: alice.token }))).toBe('OK');
    const audits = (await outboxOf('users', 'audit.recorded')).filter(
      (event) => (event.payload as { action: string }).action === 'DATA_EXPORTED',
    );
    expect(
      audits.filter((event) => (event.payload as { targetId: string }).targetId === uuidOf(alice.id)),
    ).toHaveLength(2);
  });

  it('answers anonymous callers UNAUTHENTICATED and malformed ids BAD_USER_INPUT', async () => {
    expect(codeOf(await gql().request(EXPORT))).toBe('UNAUTHENTICATED');
    const malformed = await gql().request(DATA_EXPORT, { variables: { id: 'not-an-id' }, token: alice.token });
    expect(codeOf(malformed)).toBe('BAD_USER_INPUT');
  });
});

describe('deleteMyAccount', () => {
  it('refuses a wrong password, anonymous callers, a vendor and the last admin', async () => {
    const wrong = await gql().request(DELETE, { variables: { p: 'not my password' }, token: bob.token });
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
    expect(wrong.errors?.[0].extensions?.fields).toEqual([
      { field: 'input.password', message: 'is not your password' },
    ]);
    expect(codeOf(await gql().request(DELETE, { variables: { p: bob.password } }))).toBe('UNAUTHENTICATED');
    const vendor = await gql().request(DELETE, { variables: { p: 'demo-password-123' }, token: ada });
    expect([codeOf(vendor), reasonOf(vendor)]).toEqual(['CONFLICT', 'VENDOR_ACCOUNT']);
    const lastAdmin = await gql().request(DELETE, { variables: { p: 'admin-password-123' }, token: admin });
    expect([codeOf(lastAdmin), reasonOf(lastAdmin)]).toEqual(['CONFLICT', 'LAST_ADMIN']);
    // Nothing happened to any of them.
    expect((await gql().data(`{ me { id erasedAt } }`, { token: bob.token })).me).toEqual({
      id: bob.id,
      erasedAt: null,
    });
  });

  it("anonymises the customer in every subgraph, keeps the order's and the ledger's amounts, and ends sign-in", async () => {
    const [orderBefore] = await rowsIn<{ total_amount: number }>(
      supergraph,
      'orders',
      'SELECT total_amount FROM orders WHERE id = $1',
      [uuidOf(bob.orderId)],
    );
    const ledgerBefore = await rowsIn(
      supergraph,
      'vendor',
      'SELECT kind, amount FROM ledger_entries WHERE order_id = $1 ORDER BY kind',
      [uuidOf(bob.orderId)],
    );
    expect(ledgerBefore.length).toBeGreaterThan(0);

    const { deleteMyAccount } = await gql().data(DELETE, { variables: { p: bob.password }, token: bob.token });
    expect(deleteMyAccount.user).toMatchObject({ id: bob.id, displayName: 'Deleted user' });
    expect(deleteMyAccount.user.erasedAt).not.toBeNull();
    expect(deleteMyAccount.user.email).not.toContain(bob.email);

    // Sessions ended, sign-in impossible (the same answer as for an unknown account).
    const me = await gql().request(`{ me { id } }`, { token: bob.token });
    expect(me.data?.me ?? null).toBeNull();
    const login = await gql().request(
      `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }`,
      {
        variables: { e: bob.email, p: bob.password },
      },
    );
    expect(login.errors?.[0].message).toBe('Invalid email or password');

    await untilErasedEverywhere(supergraph, bob.id);
    const [user] = await rowsIn<{ email: string; display_name: string; password_hash: string }>(
      supergraph,
      'users',
      'SELECT email, display_name, password_hash FROM users WHERE id = $1',
      [uuidOf(bob.id)],
    );
    expect(user.email).toMatch(/^erased-.*@erased\.invalid$/);
    expect(user.display_name).toBe('Deleted user');
    expect(
      await rowsIn(supergraph, 'users', 'SELECT 1 FROM refresh_tokens WHERE user_id = $1', [uuidOf(bob.id)]),
    ).toEqual([]);
    expect(
      await rowsIn(supergraph, 'licensing', 'SELECT 1 FROM activations WHERE license_id = $1', [uuidOf(bob.licenseId)]),
    ).toEqual([]);
    // One pseudonym everywhere, the amounts as they were.
    const [{ user_id: pseudonym, total_amount }] = await rowsIn<{ user_id: string; total_amount: number }>(
      supergraph,
      'orders',
      'SELECT user_id, total_amount FROM orders WHERE id = $1',
      [uuidOf(bob.orderId)],
    );
    expect(total_amount).toBe(orderBefore.total_amount);
    expect(
      await rowsIn(supergraph, 'vendor', 'SELECT kind, amount FROM ledger_entries WHERE order_id = $1 ORDER BY kind', [
        uuidOf(bob.orderId),
      ]),
    ).toEqual(ledgerBefore);
    const [license] = await rowsIn<{ owner_id: string }>(
      supergraph,
      'licensing',
      'SELECT owner_id FROM licenses WHERE id = $1',
      [uuidOf(bob.licenseId)],
    );
    expect(license.owner_id).toBe(pseudonym);
    const [payment] = await rowsIn<{ user_id: string }>(
      supergraph,
      'payments',
      'SELECT user_id FROM orders WHERE id = $1',
      [uuidOf(bob.orderId)],
    );
    expect(payment.user_id).toBe(pseudonym);

    // Through the API: the review keeps its rating without its text or its author; the order its owner's pseudonym.
    const { product } = await gql().data(
      `query($p: ID!) { product(id: $p) { reviews(first: 20) { edges { node { rating body owner { id displayName } } } } } }`,
      {
        variables: { p: bob.productId },
      },
    );
    expect(product.reviews.edges.map((edge: { node: unknown }) => edge.node)).toContainEqual({
      rating: 4,
      body: null,
      owner: { id: globalId('User', pseudonym), displayName: 'Deleted user' },
    });
    const { order } = await gql().data(
      `query($o: ID!) { order(id: $o) { total { amount } owner { id displayName } } }`,
      {
        variables: { o: bob.orderId },
        token: admin,
      },
    );
    expect(order).toEqual({
      total: { amount: orderBefore.total_amount },
      owner: { id: globalId('User', pseudonym), displayName: 'Deleted user' },
    });

    // The audit record names the old id, never the pseudonym or the email.
    const [audit] = (await outboxOf('users', 'audit.recorded')).filter(
      (event) => (event.payload as { action: string }).action === 'ACCOUNT_DELETED',
    );
    expect(audit.payload).toMatchObject({ targetType: 'User', targetId: uuidOf(bob.id) });
    expect(JSON.stringify(audit.payload)).not.toContain(pseudonym);
    expect(JSON.stringify(audit.payload)).not.toContain(bob.email);
  });
});

describe('eraseUser', () => {
  it('is for admins only, takes user ids, and refuses their own account', async () => {
    const carol = await register(supergraph, 'Carol');
    expect(codeOf(await gql().request(ERASE, { variables: { u: carol.id } }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await gql().request(ERASE, { variables: { u: carol.id }, token: alice.token }))).toBe('FORBIDDEN');
    expect(codeOf(await gql().request(ERASE, { variables: { u: carol.id }, token: carol.token }))).toBe('FORBIDDEN');
    expect(codeOf(await gql().request(ERASE, { variables: { u: carol.id }, token: ada }))).toBe('FORBIDDEN');
    expect(codeOf(await gql().request(ERASE, { variables: { u: 'User:nope' }, token: admin }))).toBe('BAD_USER_INPUT');
    expect(
      codeOf(await gql().request(ERASE, { variables: { u: globalId('Order', uuidOf(carol.id)) }, token: admin })),
    ).toBe('BAD_USER_INPUT');
    expect(
      codeOf(
        await gql().request(ERASE, {
          variables: { u: globalId('User', '00000000-0000-4000-8000-0000000000ff') },
          token: admin,
        }),
      ),
    ).toBe('NOT_FOUND');
    const own = await gql().request(ERASE, { variables: { u: globalId('User', DemoIds.users.admin) }, token: admin });
    expect([codeOf(own), reasonOf(own)]).toEqual(['CONFLICT', 'OWN_ACCOUNT']);
    expect((await gql().data(`{ me { erasedAt } }`, { token: carol.token })).me).toEqual({ erasedAt: null });
  });

  it('erases a customer once, however many times it is asked, concurrently too', async () => {
    const dave = await buyer(supergraph, 'Dave', products[0]);
    const answers = await Promise.all(
      [1, 2, 3].map(() => gql().request(ERASE, { variables: { u: dave.id }, token: admin })),
    );
    expect(answers.map(codeOf)).toEqual(['OK', 'OK', 'OK']);
    for (const answer of answers)
      expect(answer.data?.eraseUser.user).toMatchObject({ id: dave.id, displayName: 'Deleted user' });
    await untilErasedEverywhere(supergraph, dave.id);
    const erased = (await outboxOf('users', 'user.erased')).filter(
      (event) => (event.payload as { userId: string }).userId === uuidOf(dave.id),
    );
    expect(erased).toHaveLength(1);
    const audits = (await outboxOf('users', 'audit.recorded')).filter(
      (event) => (event.payload as { targetId: string; action: string }).targetId === uuidOf(dave.id),
    );
    expect(audits.map((event) => (event.payload as { action: string }).action)).toEqual(['USER_ERASED']);
    expect((await gql().request(`{ me { id } }`, { token: dave.token })).data?.me ?? null).toBeNull();
  });

  it("anonymises a vendor's profile and keeps its ledger and payouts", async () => {
    const vera = await freshVendor(supergraph, admin);
    const vendorId = uuidOf(vera.vendorId);
    await buyer(supergraph, 'Gus', vera.productId);
    const ledger = (sql: string) => rowsIn<{ n: number }>(supergraph, 'vendor', sql, [vendorId]);
    const [before] = await ledger('SELECT count(*)::int AS n FROM ledger_entries WHERE vendor_id = $1');
    expect(before.n).toBeGreaterThan(0);
    expect(codeOf(await gql().request(ERASE, { variables: { u: vera.id }, token: admin }))).toBe('OK');
    await untilErasedEverywhere(supergraph, vera.id);
    const [vendor] = await rowsIn<{ display_name: string; bio: string | null; status: string; slug: string }>(
      supergraph,
      'vendor',
      'SELECT display_name, bio, status, slug FROM vendors WHERE id = $1',
      [vendorId],
    );
    expect(vendor).toMatchObject({ display_name: 'Deleted vendor', bio: null, status: 'SUSPENDED' });
    expect(vendor.slug).toMatch(/^deleted-/);
    const [after] = await ledger('SELECT count(*)::int AS n FROM ledger_entries WHERE vendor_id = $1');
    expect(after.n).toBe(before.n);
    const [replica] = await rowsIn<{ display_name: string }>(
      supergraph,
      'catalog',
      'SELECT display_name FROM vendors WHERE id = $1',
      [vendorId],
    );
    expect(replica.display_name).toBe('Deleted vendor');
  });
});
