import { randomUUID } from 'node:crypto';
import { TestSubgraph, globalId, uuidOf } from '@marketplace/kit/testing';
import type { Session, SignedInRoles, Who } from '../testing';
import { ME, register, sqlDuring, startUsersWithRoles, tokenOf } from '../testing';

/** What one user reads: me, user(id), and users through _entities (whose email, batched how). */
let users: TestSubgraph;
let roles: SignedInRoles;
beforeAll(async () => {
  ({ users, roles } = await startUsersWithRoles());
});
afterAll(() => users.close());

const USER = `query($id: ID!) { user(id: $id) { id email displayName role } }`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email displayName } } }`;

describe('me', () => {
  it('is null for an anonymous caller', async () => {
    const result = await users.client.request(ME);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ me: null });
  });

  it.each<Who>(['customer', 'vendor', 'admin'])('is the signed-in %s, with their own email', async (who) => {
    const session = roles[who as 'customer' | 'vendor' | 'admin'];
    const { me } = await users.client.data(ME, { token: tokenOf(roles, who) });
    expect(me).toEqual({
      id: session.user.id,
      email: session.user.email,
      displayName: session.user.displayName,
      role: who.toUpperCase(),
      emailVerified: session.user.emailVerified,
    });
  });
});

describe('user(id)', () => {
  it('lets a user read themself', async () => {
    const { user } = await users.client.data(USER, {
      variables: { id: roles.customer.user.id },
      token: roles.customer.accessToken,
    });
    expect(user).toEqual({
      id: roles.customer.user.id,
      email: roles.customer.user.email,
      displayName: roles.customer.user.displayName,
      role: 'CUSTOMER',
    });
  });

  it('lets an admin read anyone, email included', async () => {
    const { admin, vendor } = roles;
    const { user } = await users.client.data(USER, { variables: { id: vendor.user.id }, token: admin.accessToken });
    expect(user).toEqual({
      id: vendor.user.id,
      email: vendor.user.email,
      displayName: vendor.user.displayName,
      role: 'VENDOR',
    });
  });

  it.each<Who>(['anonymous', 'customer', 'vendor'])(
    'answers null, without an error, to %s reading another user',
    async (who) => {
      const result = await users.client.request(USER, {
        variables: { id: roles.admin.user.id },
        token: tokenOf(roles, who),
      });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ user: null });
    },
  );

  it.each<Who>(['anonymous', 'customer', 'admin'])(
    'answers %s the same null for an unknown id as for someone hidden (no existence oracle)',
    async (who) => {
      const unknown = await users.client.request(USER, {
        variables: { id: globalId('User', randomUUID()) },
        token: tokenOf(roles, who),
      });
      expect(unknown.errors).toBeUndefined();
      expect(unknown.data).toEqual({ user: null });
      if (who === 'admin') return;
      const existing = await users.client.request(USER, {
        variables: { id: roles.vendor.user.id },
        token: tokenOf(roles, who),
      });
      expect(existing).toMatchObject({ status: unknown.status, data: unknown.data, errors: unknown.errors });
    },
  );

  it('gives each viewer their own answer for one id, never a shared one', async () => {
    const ask = (token?: string) => users.client.request(USER, { variables: { id: roles.customer.user.id }, token });
    const [self, other, admin, anonymous] = await Promise.all([
      ask(roles.customer.accessToken),
      ask(roles.vendor.accessToken),
      ask(roles.admin.accessToken),
      ask(),
    ]);
    expect(self.data?.user?.email).toBe(roles.customer.user.email);
    expect(admin.data?.user?.email).toBe(roles.customer.user.email);
    expect(other.data).toEqual({ user: null });
    expect(anonymous.data).toEqual({ user: null });
    for (const answer of [self, other, admin, anonymous]) expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it.each<[string, Who]>(
    ['not-a-uuid', '', '123', "' OR '1'='1", 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1z', 'x'.repeat(5000)].flatMap(
      (id): [string, Who][] => [
        [id, 'admin'],
        [id, 'anonymous'],
      ],
    ),
  )('answers BAD_USER_INPUT naming the id (never an internal error) to a malformed id %#', async (id, who) => {
    const result = await users.client.request(USER, { variables: { id }, token: tokenOf(roles, who) });
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: ['user'],
        extensions: {
          code: 'BAD_USER_INPUT',
          fields: [{ field: 'id', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' }],
        },
      }),
    ]);
    expect(result.data).toEqual({ user: null });
  });

  it.each<Who>(['admin', 'anonymous'])(
    'answers BAD_USER_INPUT to an id of another type (a Product id) or a bare uuid, for %s',
    async (who) => {
      const product = globalId('Product', uuidOf(roles.customer.user.id));
      const wrongType = await users.client.request(USER, { variables: { id: product }, token: tokenOf(roles, who) });
      expect(wrongType.errors).toEqual([
        expect.objectContaining({
          path: ['user'],
          extensions: {
            code: 'BAD_USER_INPUT',
            fields: [{ field: 'id', message: 'must be an id of type User, not Product' }],
          },
        }),
      ]);
      expect(wrongType.data).toEqual({ user: null });
      const bare = await users.client.request(USER, {
        variables: { id: uuidOf(roles.customer.user.id) },
        token: tokenOf(roles, who),
      });
      expect(bare.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(bare.data).toEqual({ user: null });
    },
  );
});

describe('email privacy through _entities', () => {
  let subject: Session;
  beforeAll(async () => {
    subject = await register(users);
  });

  it.each<[string, () => string | undefined, boolean]>([
    ['anonymous callers', () => undefined, false],
    ['another customer', () => roles.customer.accessToken, false],
    ['a vendor', () => roles.vendor.accessToken, false],
    ['the user themself', () => subject.accessToken, true],
    ['an admin', () => roles.admin.accessToken, true],
  ])('%s %#', async (_label, token, seesEmail) => {
    const { _entities } = await users.client.data(ENTITIES, {
      variables: { r: [{ __typename: 'User', id: subject.user.id }] },
      token: token(),
    });
    expect(_entities).toEqual([
      { id: subject.user.id, displayName: 'Test User', email: seesEmail ? subject.user.email : null },
    ]);
  });

  it('keeps concurrent requests apart: the owner sees the email, others do not', async () => {
    const ask = (token?: string) =>
      users.client.data(ENTITIES, { variables: { r: [{ __typename: 'User', id: subject.user.id }] }, token });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => ask(i % 2 ? subject.accessToken : roles.customer.accessToken)),
    );
    results.forEach((result, i) => expect(result._entities[0].email).toBe(i % 2 ? subject.user.email : null));
  });

  it('lets gateways share a User answer without email, never one selecting email (for any viewer)', async () => {
    const r = [{ __typename: 'User', id: subject.user.id }];
    const PUBLIC_FIELDS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id displayName role } } }`;
    for (const token of [undefined, subject.accessToken, roles.customer.accessToken, roles.admin.accessToken]) {
      const shared = await users.client.request(PUBLIC_FIELDS, { variables: { r }, token });
      expect(shared.errors).toBeUndefined();
      expect(shared.headers.get('cache-control')).toBe('max-age=60, public');
      const withEmail = await users.client.request(ENTITIES, { variables: { r }, token });
      expect(withEmail.errors).toBeUndefined();
      expect(withEmail.headers.get('cache-control')).toBe('no-store');
    }
  });
});

describe('_entities batching', () => {
  it('resolves many representations, unknown and malformed ones as null, in one SQL statement', async () => {
    const people = await Promise.all(Array.from({ length: 10 }, () => register(users)));
    const ids = [
      ...people.slice(0, 5).map((p) => p.user.id),
      globalId('User', randomUUID()),
      globalId('Product', uuidOf(people[1].user.id)),
      uuidOf(people[3].user.id),
      'not-a-uuid',
      '',
      people[2].user.id,
      ...people.slice(5).map((p) => p.user.id),
      "'; DROP TABLE users; --",
    ];
    const { result, statements } = await sqlDuring(users, () =>
      users.client.data(ENTITIES, {
        variables: { r: ids.map((id) => ({ __typename: 'User', id })) },
        token: roles.admin.accessToken,
      }),
    );
    expect(result._entities).toEqual(
      ids.map((id) => {
        const person = people.find((p) => p.user.id === id);
        return person ? { id, email: person.user.email, displayName: 'Test User' } : null;
      }),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^SELECT .* FROM "users"/);
  });

  it('sends no SQL at all when every id is malformed', async () => {
    const { result, statements } = await sqlDuring(users, () =>
      users.client.data(ENTITIES, { variables: { r: ['x', '1', 'null'].map((id) => ({ __typename: 'User', id })) } }),
    );
    expect(result._entities).toEqual([null, null, null]);
    expect(statements).toEqual([]);
  });

  it('batches per request: concurrent requests each send their own single statement', async () => {
    const people = await Promise.all(Array.from({ length: 4 }, () => register(users)));
    const { result, statements } = await sqlDuring(users, () =>
      Promise.all(
        people.map((p) =>
          users.client.data(ENTITIES, {
            variables: { r: [p, ...people].map((q) => ({ __typename: 'User', id: q.user.id })) },
            token: p.accessToken,
          }),
        ),
      ),
    );
    expect(statements).toHaveLength(4);
    result.forEach(({ _entities }, i) => {
      expect(_entities.map((e: { id: string }) => e.id)).toEqual([people[i], ...people].map((p) => p.user.id));
      expect(_entities.filter((e: { email: string | null }) => e.email !== null)).toEqual([
        _entities[0],
        _entities[i + 1],
      ]);
    });
  });
});
