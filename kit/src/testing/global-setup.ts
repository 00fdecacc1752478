import { randomUUID } from 'node:crypto';
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
  // The teardown removes it: every run would otherwise leave its keys (and an embedded database) behind.
  (globalThis as { __testRunDir?: string }).__testRunDir = dir;
  // Development keys for this run only; every test process shares them through DATA_DIR.
  process.env.DATA_DIR ??= join(dir, 'state');
  isolateTestSessions();
  // Names the databases this run migrates once and copies (createMigratedTestDatabase).
  process.env.TEST_RUN_ID ??= randomUUID().replace(/-/g, '').slice(0, 12);
  if (process.env.DATABASE_URL) return;
  // Embedded Postgres runs as the `postgres` user when we are root: it must reach its directory.
  chmodSync(dir, 0o777);
  const server = await startEmbeddedPostgres({ dir: join(dir, 'postgres'), port: await freePort() });
  process.env.DATABASE_URL = server.url;
  (globalThis as { __embeddedPostgres?: unknown }).__embeddedPostgres = server;
}

/**
 * One session namespace for a run of tests or of a benchmark: `tokenFor` records sessions
 * where every gateway and subgraph of the run reads them (processes started later inherit it).
 */
export function isolateTestSessions(): void {
  process.env.SESSION_KEY_PREFIX ??= `test-run-${randomUUID()}:sessions`;
}

/**
 * Ports handed out below Linux's ephemeral range (32768–60999 by default). A port the
 * kernel picked for `listen(0)` is free only until the kernel hands it out again as the
 * source port of some outgoing connection, and a full test run opens thousands; a process
 * told to listen there seconds later (`npm start` after its Postgres is up) then found it
 * taken. Ports below the range are never source ports.
 */
const TEST_PORTS_FROM = 20_000;
const TEST_PORTS_TO = 32_767;
/** Each jest worker draws from its own slice, so two workers never probe the same port at once. */
const TEST_PORTS_PER_WORKER = 1_000;
const MAX_PORT_PROBES = 100;

/** A port nothing listens on now, outside the ephemeral range, for a server a test starts later. */
export async function freePort(): Promise<number> {
  const worker = Number(process.env.JEST_WORKER_ID ?? 1);
  const sliceStart =
    TEST_PORTS_FROM +
    (((worker - 1) * TEST_PORTS_PER_WORKER) % (TEST_PORTS_TO - TEST_PORTS_FROM + 1 - TEST_PORTS_PER_WORKER));
  for (let probe = 0; probe < MAX_PORT_PROBES; probe += 1) {
    const port = sliceStart + Math.floor(Math.random() * TEST_PORTS_PER_WORKER);
    if (await canListen(port)) return port;
  }
  throw new Error(
    `freePort: no free port in ${MAX_PORT_PROBES} probes of ${sliceStart}–${sliceStart + TEST_PORTS_PER_WORKER - 1}`,
  );
}

/**
 * A free port for each port setting (`GATEWAY_PORT`, …), as the environment of a process to start,
 * no two alike: `freePort` only knows what listens now, and the processes listen later.
 */
export async function freePortSettings<Name extends string>(names: readonly Name[]): Promise<Record<Name, string>> {
  const ports = new Set<number>();
  while (ports.size < names.length) ports.add(await freePort());
  const drawn = [...ports];
  return Object.fromEntries(names.map((name, index) => [name, String(drawn[index])])) as Record<Name, string>;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(false) : reject(error),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
