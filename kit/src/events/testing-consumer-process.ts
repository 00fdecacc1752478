import { eventHandler } from './consumer';
import { ProbeHappened, startEventNode } from './testing';

/**
 * A consumer in a process of its own, for the test that kills a consumer mid-handler:
 * it reports "handling" to its parent, then holds its transaction open until killed.
 */
async function main() {
  const handler = eventHandler('record-effect', ProbeHappened, async (event, { manager }) => {
    await manager.query('INSERT INTO effects (event_id, aggregate, n) VALUES ($1, $2, $3)', [
      event.id,
      event.payload.aggregate,
      event.payload.n,
    ]);
    process.send?.({ handling: event.id });
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.HANDLER_DELAY_MS ?? 60_000)));
  });
  await startEventNode({ name: process.env.NODE_NAME!, databaseUrl: process.env.DATABASE_URL!, handlers: [handler] });
  process.send?.({ ready: true });
}

void main().catch((error) => {
  process.stderr.write(`consumer process failed: ${error}\n`);
  process.exit(1);
});
