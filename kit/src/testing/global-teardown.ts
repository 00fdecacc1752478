import { rmSync } from 'node:fs';
import type { EmbeddedPostgresHandle } from '../data/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __embeddedPostgres?: EmbeddedPostgresHandle }).__embeddedPostgres;
  await server?.stop();
  const dir = (globalThis as { __testRunDir?: string }).__testRunDir;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
