import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chmodSync } from 'node:fs';
import { startEmbeddedPostgres } from '../data/embedded-postgres';

/**
 * Jest global setup: use `DATABASE_URL` when CI provides a server, otherwise start a
 * throwaway embedded Postgres. Workers inherit the variable.
 */
export default async function globalSetup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL ??= 'silent';
  if (process.env.DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'marketplace-test-pg-'));
  chmodSync(dir, 0o777);
  const server = await startEmbeddedPostgres({ dir: join(dir, 'data'), port: await freePort() });
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
