import type { EmbeddedPostgresHandle } from '../data/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __embeddedPostgres?: EmbeddedPostgresHandle }).__embeddedPostgres;
  await server?.stop();
}
