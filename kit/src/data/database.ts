import { DataSource, DataSourceOptions } from 'typeorm';
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
}

/** Default connections per subgraph process; a 2-core machine gains nothing from more. */
export const DEFAULT_POOL_SIZE = 10;

/**
 * Opens a DataSource bound to the subgraph's schema and brings it up to date. Migrations
 * run under an advisory lock so replicas starting together migrate once.
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
    await migrate(dataSource, schema, options.log);
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
