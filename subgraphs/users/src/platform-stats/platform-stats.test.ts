import { Role, queryRows } from '@marketplace/kit';
import { TestSubgraph, person, startTestSubgraph } from '@marketplace/kit/testing';
import { usersSubgraph } from '../index';

/** What users adds to `platformStats` buckets, asked as the gateway asks: `_entities` with the bounds. */
let users: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  users = await startTestSubgraph(usersSubgraph);
});
afterAll(() => users.close());

const BUCKETS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on PlatformStatsBucket { from to newUserCount } } }`;
const bucket = (from: string, to: string) => ({ __typename: 'PlatformStatsBucket', from, to });

describe('PlatformStatsBucket in users', () => {
  it('counts the accounts created in each bucket (UTC days), every bucket of a batch from one statement', async () => {
    const db = users.subgraph.deps.db;
    for (const [i, at] of [
      '2024-06-10T00:00:00.000Z',
      '2024-06-10T23:59:59.999Z',
      '2024-06-11T00:00:00.000Z',
    ].entries())
      await db.query(
        `INSERT INTO users (email, display_name, password_hash, created_at) VALUES ($1, 'Known', 'x', $2)`,
        [`known.${process.pid}.${Date.now()}.${i}@example.com`, at],
      );
    const { data } = await users.client.request(BUCKETS, {
      variables: {
        r: [
          bucket('2024-06-10T00:00:00.000Z', '2024-06-11T00:00:00.000Z'),
          bucket('2024-06-11T00:00:00.000Z', '2024-06-12T00:00:00.000Z'),
          bucket('2024-06-09T00:00:00.000Z', '2024-06-16T00:00:00.000Z'),
          bucket('2024-06-12T00:00:00.000Z', '2024-06-13T00:00:00.000Z'),
        ],
      },
      token: admin.token,
    });
    expect(data!._entities.map((b: { newUserCount: number }) => b.newUserCount)).toEqual([2, 1, 3, 0]);
    const [{ n }] = await queryRows<{ n: number }>(
      db,
      `SELECT count(*)::int AS n FROM users WHERE created_at < '2024-06-12'`,
    );
    expect(n).toBe(3);
  });

  it('is for admins: a customer or a vendor gets FORBIDDEN, signed out UNAUTHENTICATED', async () => {
    for (const [token, code] of [
      [person().token, 'FORBIDDEN'],
      [person(Role.VENDOR).token, 'FORBIDDEN'],
      [undefined, 'UNAUTHENTICATED'],
    ] as const) {
      const result = await users.client.request(BUCKETS, {
        variables: { r: [bucket('2024-06-10T00:00:00.000Z', '2024-06-11T00:00:00.000Z')] },
        token,
      });
      expect(result.errors?.[0].extensions?.code).toBe(code);
      expect(result.data?._entities?.[0] ?? null).toBeNull();
    }
  });
});
