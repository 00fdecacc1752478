import type { Logger } from '@marketplace/kit';
import type { OrderService } from './order.service';

/**
 * Runs `expireUnpaid` every `expiryCheckSeconds`. Every replica runs it (SKIP LOCKED keeps
 * them apart); a round never overlaps the previous one. Returns the stop function, which
 * waits for a round in progress so the database is not closed under it.
 */
export function startExpiryJob(
  orders: Pick<OrderService, 'expireUnpaid'>,
  settings: { expiryCheckSeconds: number },
  log: Logger,
): () => Promise<void> {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = orders
      .expireUnpaid()
      .then(() => undefined)
      .catch((error: unknown) => log.error({ err: error }, 'order expiry failed; trying again next round'))
      .finally(() => (running = null));
  }, settings.expiryCheckSeconds * 1000);
  // A timer alone must not keep the process alive (tests, shutdown).
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
