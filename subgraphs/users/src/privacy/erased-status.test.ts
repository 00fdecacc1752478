import { queryRows } from '@marketplace/kit';
import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import { STRONG_PASSWORD, SignedInRoles, registerAs, startUsersWithRoles } from '../testing';

/** An erased account as the rest of the users subgraph sees it: its status, and the admin changes it refuses. */
let users: TestSubgraph;
let roles: SignedInRoles;
beforeAll(async () => {
  ({ users, roles } = await startUsersWithRoles());
});
afterAll(() => users.close());

const ERASE = `mutation($u: ID!) { eraseUser(input: { userId: $u }) { user { id status } } }`;
const DELETE = `mutation($p: String!) { deleteMyAccount(input: { password: $p }) { user { id } } }`;
const SUSPEND = `mutation($u: ID!) { suspendUser(input: { userId: $u, reason: "fraud" }) { user { id status } } }`;
const REINSTATE = `mutation($u: ID!) { reinstateUser(input: { userId: $u }) { user { id } } }`;
const SET_ROLE = `mutation($u: ID!) { setUserRole(input: { userId: $u, role: VENDOR }) { user { id } } }`;
const BY_STATUS = `query($s: UserStatus!) { users(filter: { status: $s }, first: 100) { edges { node { id status } } } }`;
const codeOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  (result.errors?.[0]?.extensions?.code as string | undefined) ?? 'OK';
const idsWith = async (status: string) =>
  (
    await users.client.data<{ users: { edges: { node: { id: string } }[] } }>(BY_STATUS, {
      variables: { s: status },
      token: roles.admin.accessToken,
    })
  ).users.edges.map((edge) => edge.node.id);

describe('an erased account', () => {
  it('reads ERASED, is listed under ERASED only, and takes no suspension, reinstatement or role change', async () => {
    const carol = await registerAs(users, 'CUSTOMER');
    const admin = roles.admin.accessToken;
    const { eraseUser } = await users.client.data(ERASE, { variables: { u: carol.user.id }, token: admin });
    expect(eraseUser.user).toEqual({ id: carol.user.id, status: 'ERASED' });
    expect(await idsWith('ERASED')).toContain(carol.user.id);
    expect(await idsWith('ACTIVE')).not.toContain(carol.user.id);
    expect(await idsWith('SUSPENDED')).not.toContain(carol.user.id);
    for (const mutation of [SUSPEND, REINSTATE, SET_ROLE]) {
      const refused = await users.client.request(mutation, { variables: { u: carol.user.id }, token: admin });
      expect(refused.errors?.[0].extensions).toMatchObject({
        code: 'CONFLICT',
        reason: 'INVALID_STATUS',
        fields: [{ field: 'input.userId', message: 'is an erased account' }],
      });
    }
  });

  it('an admin leaving while suspending the only other admin: one of the two is refused, one admin stays', async () => {
    const [leaving, other] = await Promise.all([registerAs(users, 'ADMIN'), registerAs(users, 'ADMIN')]);
    // Only these two are admins: the seeded admin steps down in the table (an erasure of a demo id would end
    // its sessions in every test file, which share the session store).
    await queryRows(users.subgraph.deps.db, `UPDATE users SET role = 'CUSTOMER' WHERE id = $1`, [
      uuidOf(roles.admin.user.id),
    ]);
    const answers = await Promise.all([
      users.client.request(DELETE, { variables: { p: STRONG_PASSWORD }, token: leaving.accessToken }),
      users.client.request(SUSPEND, { variables: { u: other.user.id }, token: leaving.accessToken }),
    ]);
    // The second is refused: LAST_ADMIN under the shared lock, or UNAUTHENTICATED when the deletion had already
    // ended the session the suspension came with.
    expect(answers.filter((answer) => codeOf(answer) === 'OK')).toHaveLength(1);
    const refused = answers.find((answer) => codeOf(answer) !== 'OK')!.errors![0].extensions!;
    expect(refused.code === 'UNAUTHENTICATED' || refused.reason === 'LAST_ADMIN').toBe(true);
    const active = await queryRows(
      users.subgraph.deps.db,
      `SELECT id FROM users WHERE role = 'ADMIN' AND erased_at IS NULL AND suspended_at IS NULL`,
    );
    expect(active).toHaveLength(1);
  });
});
