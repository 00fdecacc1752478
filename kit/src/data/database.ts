import { DataSource, DataSourceOptions, MigrationExecutor } from 'typeorm';
import type { Logger } from '../logger';

export interface DatabaseOptions {
  url: string;
  /** The subgraph's own Postgres schema; nothing else writes to it. */
  schema: string;
  /** Entity classes (or schemas), as TypeORM takes them. */
  entities: NonNullable<DataSourceOptions['entities']>;
  /** Migration classes, as TypeORM takes them. */
  migrations: NonNullable<DataSourceOptions['migrations']>;
  log: Logger;
  poolSize?: number;
  /**
   * `apply` (default) brings the schema up to date; `verify` only checks that nothing is pending, so a
   * service whose migrations ran before it (a migration Job) needs no DDL rights and cannot run on an older schema.
   */
  migrationMode?: 'apply' | 'verify';
}

/** Default connections per subgraph process; a 2-core machine gains nothing from more. */
export const DEFAULT_POOL_SIZE = 10;

/**
 * Opens a DataSource bound to the subgraph's schema and brings it up to date (or, `verify`, checks
 * that it is). Migrations run under an advisory lock so replicas starting together migrate once.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const { schema } = options;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    applicationName: `marketplace-${schema}`,
    // Raw SQL in services resolves unqualified names to the subgraph's own schema first.
    extra: { max: options.poolSize ?? DEFAULT_POOL_SIZE, options: `-c search_path=${schema},public` },
    logging: false,
  });
  await dataSource.initialize();
  try {
    if (options.migrationMode === 'verify') await refuseWhilePending(dataSource, schema);
    else await migrate(dataSource, schema, options.log);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

async function migrate(dataSource: DataSource, schema: string, log: Logger): Promise<void> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${schema}`]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) log.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrations:${schema}`]).catch(() => undefined);
    await lock.release();
  }
}

/** Reads the migrations table only (no DDL): a schema not migrated yet has every migration pending. */
async function refuseWhilePending(dataSource: DataSource, schema: string): Promise<void> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  if (pending.length > 0) {
    throw new Error(
      `${schema}: ${pending.length} migration(s) not applied (${pending.map((m) => m.name).join(', ')}); ` +
        'DATABASE_MIGRATIONS=verify starts only on a migrated schema: run the migrations first (DATABASE_MIGRATIONS=only)',
    );
  }
}
