/**
 * The stack under test, in this process, built from the project's own code: a fresh
 * database, the users subgraph and the gateway on free ports, plus N seeded users with
 * access tokens. `close()` undoes all of it, whatever state start-up reached.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccessTokenSigner,
  Role,
  createSessionVersions,
  envReader,
  startEmbeddedPostgres,
  startSubgraph,
} from '@marketplace/kit';
import { createTestDatabase, freePort } from '@marketplace/kit/testing';
import { startGateway } from '@marketplace/gateway';
import { DEMO_PASSWORD, usersSubgraph } from '@marketplace/users';

export interface SeededUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  /** Access token for this user, valid for the whole run. */
  token: string;
}

export interface BenchStack {
  gatewayUrl: string;
  usersUrl: string;
  /** Where the database lives, for the results header. */
  databaseKind: 'DATABASE_URL' | 'embedded';
  users: SeededUser[];
  admin: SeededUser;
  /** Every seeded user's password. */
  password: string;
  close(): Promise<void>;
}

export interface StackOptions {
  userCount: number;
  /** scrypt log2 N of the seeded hashes and of login (the project default is 15). */
  passwordHashCost: number;
  logLevel: string;
}

const TOKEN_TTL_SECONDS = 60 * 60;
/** Demo customer seeded by the subgraph itself (with the project's own hasher); bench users reuse its hash. */
const HASH_SOURCE_EMAIL = 'alan@customers.local';
const ADMIN_EMAIL = 'admin@marketplace.local';

export async function startStack(options: StackOptions): Promise<BenchStack> {
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse())
      await stop().catch((error) => process.stderr.write(`bench: cleanup step failed: ${String(error)}\n`));
  };
  const dir = mkdtempSync(join(tmpdir(), 'marketplace-bench-'));
  stops.push(async () => rmSync(dir, { recursive: true, force: true }));
  try {
    // Embedded Postgres runs as the `postgres` user when we are root: it must reach this folder.
    chmodSync(dir, 0o777);
    const databaseKind = process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded';
    if (!process.env.DATABASE_URL) {
      const server = await startEmbeddedPostgres({ dir: join(dir, 'postgres'), port: await freePort() });
      stops.push(() => server.stop());
      // createTestDatabase creates its database on the server DATABASE_URL names.
      process.env.DATABASE_URL = server.url;
    }
    const database = await createTestDatabase();
    stops.push(() => database.drop());

    const env = {
      ...process.env,
      // Dev keys generated for this run only, shared by the subgraph and the gateway.
      DATA_DIR: join(dir, 'state'),
      LOG_LEVEL: options.logLevel,
      REDIS_KEY_PREFIX: `bench:${database.name}`,
      PASSWORD_HASH_COST: String(options.passwordHashCost),
    };
    const subgraph = await startSubgraph(usersSubgraph, {
      env: envReader(env),
      port: 0,
      host: '127.0.0.1',
      databaseUrl: database.url,
      seed: true,
    });
    stops.push(() => subgraph.close());
    const gateway = await startGateway({
      env: envReader({ ...env, USERS_URL: subgraph.url, RATE_LIMIT_ENABLED: 'false' }),
      port: 0,
      host: '127.0.0.1',
    });
    stops.push(() => gateway.close());

    const { db, keys, config } = subgraph.deps;
    await db.query(
      `INSERT INTO users (email, display_name, password_hash, role, email_verified_at)
       SELECT 'bench-' || i || '@bench.local', 'Bench User ' || i, (SELECT password_hash FROM users WHERE email = $2), 'CUSTOMER', now()
       FROM generate_series(1, $1::int) AS i`,
      [options.userCount, HASH_SOURCE_EMAIL],
    );
    const rows: { id: string; email: string; display_name: string; role: Role; session_version: number }[] =
      await db.query(
        `SELECT id, email, display_name, role, session_version FROM users WHERE email LIKE 'bench-%@bench.local' OR email = $1 ORDER BY created_at, email`,
        [ADMIN_EMAIL],
      );
    const signer = new AccessTokenSigner(keys.privateKeyPem!, config.jwt);
    const seeded = rows.map((row) => ({
      id: row.id,
      email: row.email,
      displayName: row.display_name,
      role: row.role,
      token: signer.sign({ id: row.id, role: row.role }, row.session_version, TOKEN_TTL_SECONDS),
    }));
    // As a sign-in would: gateways and subgraphs refuse tokens of subjects without a session record.
    const sessions = createSessionVersions(config);
    await Promise.all(rows.map((row) => sessions.raise(row.id, row.session_version)));
    await sessions.close();
    const admin = seeded.find((user) => user.email === ADMIN_EMAIL);
    const users = seeded
      .filter((user) => user.email !== ADMIN_EMAIL)
      .sort((a, b) => a.email.localeCompare(b.email, 'en', { numeric: true }));
    if (!admin || users.length !== options.userCount)
      throw new Error(
        `seeding failed: ${users.length} of ${options.userCount} users, admin ${admin ? 'found' : 'missing'}`,
      );
    return {
      gatewayUrl: gateway.url,
      usersUrl: subgraph.url,
      databaseKind,
      users,
      admin,
      password: DEMO_PASSWORD,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
