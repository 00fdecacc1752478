import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import pino from 'pino';
import { migrationsOf } from '../server/connections';
import { SubgraphModule, migrateSubgraph } from '../subgraph';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Server every test database lives on: `DATABASE_URL`, or the embedded one the global setup started. */
export function testServerUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set: run tests through jest (its global setup starts embedded Postgres)');
  return url;
}

/** A fresh database per test file (a copy of `template` when named): tests never see each other's rows. */
export async function createTestDatabase(template?: string): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (client) =>
    client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`),
  );
  return { name, url: databaseUrl(serverUrl, name), drop: () => dropDatabase(serverUrl, name) };
}

/**
 * A fresh database with `modules`' migrations already applied: in a jest run, a copy of a
 * template migrated once per run and set of modules, instead of every test file migrating its
 * own (about 1.5 s for the whole supergraph). Elsewhere (benchmarks), an empty one the
 * subgraphs migrate as they start.
 */
export async function createMigratedTestDatabase(modules: SubgraphModule[]): Promise<TestDatabase> {
  return createTestDatabase(process.env.TEST_RUN_ID ? await migratedTemplate(modules) : undefined);
}

/** Test runs name their templates after this, so the global teardown drops only its own. */
export const TEMPLATE_PREFIX = 'test_template_';

const templates = new Map<string, Promise<string>>();

/** The template's name: this run's, for exactly these modules and migrations. */
function templateName(modules: SubgraphModule[]): string {
  const hash = createHash('sha256');
  // Test modules may share a name and a migration's name: their source tells them apart.
  for (const module of modules)
    for (const migration of migrationsOf(module))
      hash.update(`${module.name}\0${migration.name}\0${Function.prototype.toString.call(migration)}`);
  return `${TEMPLATE_PREFIX}${process.env.TEST_RUN_ID}_${hash.digest('hex').slice(0, 12)}`;
}

function migratedTemplate(modules: SubgraphModule[]): Promise<string> {
  const name = templateName(modules);
  let template = templates.get(name);
  if (!template) {
    template = buildTemplateOnce(name, modules);
    templates.set(name, template);
    template.catch(() => templates.delete(name));
  }
  return template;
}

/**
 * Jest workers are processes: the first to ask builds the template under an advisory lock
 * while the others wait for it. It is migrated under another name and renamed when complete,
 * so a build that failed half-way is never copied.
 */
async function buildTemplateOnce(name: string, modules: SubgraphModule[]): Promise<string> {
  const serverUrl = testServerUrl();
  await withClient(serverUrl, async (client) => {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount) return;
      const building = await createTestDatabase();
      try {
        const log = pino({ level: 'silent' });
        for (const module of modules) await migrateSubgraph(module, { databaseUrl: building.url, log });
        await client.query(`ALTER DATABASE ${building.name} RENAME TO ${name}`);
      } catch (error) {
        await building.drop();
        throw error;
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  });
  return name;
}

/** Drops the templates of the run `run` (the global teardown, on a server that outlives the run). */
export async function dropTemplatesOfRun(serverUrl: string, run: string): Promise<void> {
  await withClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
      [`${TEMPLATE_PREFIX}${run}_`],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  });
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** One connection to `url` for `work`, closed whatever happens (test set-up and checks). */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
