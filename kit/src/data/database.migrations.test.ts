import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createLogger } from '../logger';
import { TestDatabase, createTestDatabase, withClient } from '../testing';
import { openDatabase } from './database';

/**
 * How a deployment runs its migrations before a rollout: `DATABASE_MIGRATIONS=only` (the migration Job)
 * migrates in a real process and exits, twice at once without harm, needing nothing but DATABASE_URL;
 * `verify` (the replicas after it) refuses a schema with a pending migration and changes nothing.
 */
const log = createLogger({ name: 'test', level: 'silent' });
const run = promisify(execFile);

/** A subgraph with one migration of its own, started as the migration Job's container starts it. */
const JOB_SCRIPT = `
const { startSubgraph } = require(${JSON.stringify(join(__dirname, '..', 'subgraph.js'))});
class CreateWidgets1900000000000 {
  async up(queryRunner) {
    await queryRunner.query('CREATE TABLE widgets (id int)');
    // Long enough for a second process to meet the advisory lock.
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  async down() {}
}
const module = {
  name: 'jobcheck',
  defaultPort: 0,
  entities: [],
  migrations: [CreateWidgets1900000000000],
  resolvers: [class Unused {}],
  readSettings() { throw new Error('settings were read'); },
  wire() { throw new Error('the subgraph was wired'); },
};
startSubgraph(module).then(
  () => { process.stderr.write('the subgraph started\\n'); process.exit(2); },
  (error) => { process.stderr.write(error.message + '\\n'); process.exit(1); },
);
`;

class CreateWidgets1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner) {
    await queryRunner.query('CREATE TABLE widgets (id int)');
  }
  async down() {}
}
class CreateGadgets1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner) {
    await queryRunner.query('CREATE TABLE gadgets (id int)');
  }
  async down() {}
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const query = (sql: string) => withClient(database.url, async (client) => (await client.query(sql)).rows);

const runJob = () =>
  run(process.execPath, ['-e', JOB_SCRIPT], {
    // Production without a single key or secret: the Job needs the database and nothing else.
    env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: database.url, DATABASE_MIGRATIONS: 'only' },
    timeout: 60_000,
  });

it('DATABASE_MIGRATIONS=only migrates and exits 0, and two at once apply each migration once', async () => {
  const [first, second] = await Promise.all([runJob(), runJob()]);
  for (const { stdout } of [first, second]) expect(stdout).toContain('migrations applied (DATABASE_MIGRATIONS=only)');

  expect(await query('SELECT name FROM jobcheck.migrations ORDER BY id')).toEqual([
    { name: 'CreateEventTables1763700000000' },
    { name: 'AddDeadLetterDetails1800600000000' },
    { name: 'CreateWidgets1900000000000' },
  ]);
  expect(await query('SELECT * FROM jobcheck.widgets')).toEqual([]);
});

it('DATABASE_MIGRATIONS=verify starts on a migrated schema and refuses one with a pending migration', async () => {
  const options = { url: database.url, schema: 'verified', entities: [], log };
  const applied = await openDatabase({ ...options, migrations: [CreateWidgets1700000000000] });
  await applied.destroy();

  const current = await openDatabase({ ...options, migrations: [CreateWidgets1700000000000], migrationMode: 'verify' });
  await current.destroy();
  await expect(
    openDatabase({
      ...options,
      migrations: [CreateWidgets1700000000000, CreateGadgets1700000000001],
      migrationMode: 'verify',
    }),
  ).rejects.toThrow(
    'verified: 1 migration(s) not applied (CreateGadgets1700000000001); DATABASE_MIGRATIONS=verify starts only on a migrated schema',
  );
});

it('verify leaves a schema nobody migrated untouched', async () => {
  await expect(
    openDatabase({
      url: database.url,
      schema: 'untouched',
      entities: [],
      migrations: [CreateWidgets1700000000000],
      log,
      migrationMode: 'verify',
    }),
  ).rejects.toThrow('untouched: 1 migration(s) not applied (CreateWidgets1700000000000)');
  expect(await query("SELECT to_regnamespace('untouched') AS schema")).toEqual([{ schema: null }]);
});
