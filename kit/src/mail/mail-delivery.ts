import type { DataSource } from 'typeorm';
import type { AfterCommit } from '../data/after-commit';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { MailConfig, MailDeliveryConfig } from './mail-config';
import { MailDispatcher } from './mail-dispatcher';
import { MailOutbox } from './mail-outbox';
import { createMailTransport } from './mail-transport';

/** A subgraph's mail: where it queues, and the dispatcher's life. */
export interface MailDelivery {
  /** Queues mail in the caller's transaction; undefined without `SMTP_URL` (no mail leaves the process). */
  outbox: MailOutbox | undefined;
  /** Starts sending (the subgraph's `start`). */
  start: () => void;
  /** Stops sending, after the mail in flight (the subgraph's `close`). */
  close: () => Promise<void>;
}

export interface MailDeliveryDeps {
  db: DataSource;
  afterCommit: AfterCommit;
  log: Logger;
  metrics?: Metrics;
  /** Development logs who each mail went to and its subject; elsewhere only its message id. */
  development: boolean;
}

/**
 * What a subgraph that sends mail wires: the outbox its services queue into (the dispatcher
 * woken after each commit that queued some) and a dispatcher sending over a pool of
 * `concurrency` SMTP connections.
 */
export function createMailDelivery(
  deps: MailDeliveryDeps,
  mail: MailConfig,
  delivery: MailDeliveryConfig,
): MailDelivery {
  if (mail.smtpUrl === undefined) return { outbox: undefined, start: () => undefined, close: async () => undefined };
  const transport = createMailTransport({
    smtpUrl: mail.smtpUrl,
    from: mail.from,
    log: deps.log,
    logContent: deps.development,
    pooledConnections: delivery.concurrency,
  });
  const dispatcher = new MailDispatcher({ db: deps.db, transport, delivery, log: deps.log, metrics: deps.metrics });
  return {
    outbox: new MailOutbox((manager) => deps.afterCommit.run(manager, async () => dispatcher.wake())),
    start: () => dispatcher.start(),
    close: async () => {
      await dispatcher.stop();
      await transport.close();
    },
  };
}
