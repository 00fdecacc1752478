import { randomBytes } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { SubgraphModule } from '../subgraph';
import {
  TEMPLATE_PREFIX,
  TestDatabase,
  createMigratedTestDatabase,
  dropTemplatesOfRun,
  testServerUrl,
  withClient,
} from './database';

/**
 * The migrated test databases every subgraph and supergraph test starts on: copies of one
 * template per run and set of modules, built once even when asked for at once, never left
 * half-migrated, and dropped with the run. This file is a run of its own (jest gives each
 * file its own environment), so the templates it counts are its own.
 */
const RUN = `dbtest${randomBytes(4).toString('hex')}`;
process.env.TEST_RUN_ID = RUN;

let applied = 0;
class CreateGadgets1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner) {
    applied += 1;
    await queryRunner.query('CREATE TABLE gadgets (id int)');
    await queryRunner.query('INSERT INTO gadgets VALUES (1)');
  }
  async down() {}
}
class FailHalfWay1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner) {
    await queryRunner.query('SELECT 1 / 0');
  }
  async down() {}
}

const moduleWith = (name: string, migrations: SubgraphModule['migrations']) =>
  ({ name, defaultPort: 0, entities: [], migrations, resolvers: [class Unused {}] }) as unknown as SubgraphModule;

const made: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(made.map((database) => database.drop()));
  await dropTemplatesOfRun(testServerUrl(), RUN);
  expect(await templatesOfRun()).toEqual([]);
});

const rowsIn = (url: string, sql: string) => withClient(url, async (client) => (await client.query(sql)).rows);

const templatesOfRun = async () =>
  (
    (await rowsIn(
      testServerUrl(),
      `SELECT datname FROM pg_database WHERE starts_with(datname, '${TEMPLATE_PREFIX}${RUN}_') ORDER BY datname`,
    )) as { datname: string }[]
  ).map((row) => row.datname);

it('three asked for at once are copies of one template migrated once, each with its own rows', async () => {
  const gadgets = moduleWith('gadgets', [CreateGadgets1700000000000]);
  const databases = await Promise.all([1, 2, 3].map(() => createMigratedTestDatabase([gadgets])));
  made.push(...databases);
  expect(applied).toBe(1);
  expect(await templatesOfRun()).toHaveLength(1);
  await rowsIn(databases[0].url, 'INSERT INTO gadgets.gadgets VALUES (2)');
  expect(await rowsIn(databases[0].url, 'SELECT id FROM gadgets.gadgets ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  expect(await rowsIn(databases[1].url, 'SELECT id FROM gadgets.gadgets')).toEqual([{ id: 1 }]);
  expect(await rowsIn(databases[2].url, 'SELECT name FROM gadgets.migrations')).toContainEqual({
    name: 'CreateGadgets1700000000000',
  });
});

it('a migration that fails leaves no template behind, and the next ask tries again', async () => {
  const broken = moduleWith('broken', [CreateGadgets1700000000000, FailHalfWay1700000000001]);
  const before = await templatesOfRun();
  await expect(createMigratedTestDatabase([broken])).rejects.toThrow('division by zero');
  expect(await templatesOfRun()).toEqual(before);
  await expect(createMigratedTestDatabase([broken])).rejects.toThrow('division by zero');
});
