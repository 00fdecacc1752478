import { rmSync } from 'node:fs';
import type { EmbeddedPostgresHandle } from '../data/embedded-postgres';
import { dropTemplatesOfRun } from './database';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __embeddedPostgres?: EmbeddedPostgresHandle }).__embeddedPostgres;
  // A server of CI's (DATABASE_URL) outlives the run: it keeps nothing of it.
  if (!server && process.env.DATABASE_URL && process.env.TEST_RUN_ID)
    await dropTemplatesOfRun(process.env.DATABASE_URL, process.env.TEST_RUN_ID);
  await server?.stop();
  const dir = (globalThis as { __testRunDir?: string }).__testRunDir;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
