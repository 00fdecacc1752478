import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chmodSync, mkdtempSync } from 'node:fs';
import { startEmbeddedPostgres } from '../data/embedded-postgres';

/**
 * Jest global setup: use `DATABASE_URL` when CI provides a server, otherwise start a
 * throwaway embedded Postgres. Workers inherit the variable.
 */
export default async function globalSetup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL ??= 'silent';
  const dir = mkdtempSync(join(tmpdir(), 'marketplace-test-'));
  // Development keys for this run only; every test process shares them through DATA_DIR.
  process.env.DATA_DIR ??= join(dir, 'state');
  if (process.env.DATABASE_URL) return;
  // Embedded Postgres runs as the `postgres` user when we are root: it must reach its directory.
  chmodSync(dir, 0o777);
  const server = await startEmbeddedPostgres({ dir: join(dir, 'postgres'), port: await freePort() });
  process.env.DATABASE_URL = server.url;
  (globalThis as { __embeddedPostgres?: unknown }).__embeddedPostgres = server;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
