import { chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CommonConfig, startEmbeddedPostgres } from '@marketplace/kit';
import { Client } from 'pg';

/** Embedded Postgres listens here unless EMBEDDED_POSTGRES_PORT says otherwise (5432 is often taken). */
export const DEFAULT_EMBEDDED_POSTGRES_PORT = 54320;
const DATABASE_NAME = 'marketplace';

/**
 * `npm start` without DATABASE_URL: Postgres in DATA_DIR, started here and stopped with the
 * rest (its stop joins `stops`), with the `marketplace` database created once.
 */
export async function embeddedDatabase(
  config: CommonConfig,
  port: number,
  stops: (() => Promise<void>)[],
): Promise<string> {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  // Postgres refuses to run as root; it then runs as `postgres`, which must reach this folder.
  chmodSync(dataDir, 0o755);
  const server = await startEmbeddedPostgres({ dir: join(dataDir, 'postgres'), port });
  stops.push(() => server.stop());
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/postgres$/, `/${DATABASE_NAME}`);
}
