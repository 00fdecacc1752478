import type { DataSource } from 'typeorm';
import type { CommonConfig } from '../config';
import { openDatabase } from '../data/database';
import { EventBackbone } from '../events/backbone';
import { createBacklogBoard } from '../events/backlog';
import { AddDeadLetterDetails1800600000000 } from '../events/dead-letter-details.migration';
import { CreateEventTables1763700000000 } from '../events/event-tables.migration';
import { ChangeFeed, createChangeFeed } from '../changes/change-feed';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { KeyValueStore, createStore } from '../store';
import type { SubgraphModule } from '../subgraph';

/** A subgraph's connections to the outside: its database schema, store, event backbone and change feed. */
export interface SubgraphConnections {
  db: DataSource;
  store: KeyValueStore;
  events: EventBackbone;
  changes: ChangeFeed;
  /** `/ready`: each connection answers, each bounded in time. */
  readinessChecks: Record<string, () => Promise<unknown>>;
  /** Closes the database, store and change feed; the event backbone stops on its own (`events.stop()`). */
  close(): Promise<void>;
}

/** Opens the database (migrated), the store, the event backbone (not yet started) and the change feed. */
export async function openConnections(
  module: SubgraphModule,
  deps: { config: CommonConfig; databaseUrl: string; log: Logger; metrics: Metrics },
): Promise<SubgraphConnections> {
  const { config, databaseUrl, log, metrics } = deps;
  const db = await openDatabase({
    url: databaseUrl,
    schema: module.name,
    entities: module.entities,
    migrations: migrationsOf(module),
    log,
    poolSize: config.databasePoolSize,
    migrationMode: config.databaseMigrations === 'verify' ? 'verify' : 'apply',
  });
  const store = createStore(config.redisUrl, `${config.redisKeyPrefix}:${module.name}`);
  const events = new EventBackbone({
    name: module.name,
    db,
    databaseUrl,
    amqpUrl: config.amqpUrl,
    settings: config.events,
    log,
    metrics,
    backlogBoard: createBacklogBoard(config),
  });
  const changes = createChangeFeed(config.redisUrl, changeFeedNamespace(config), log);
  return {
    db,
    store,
    events,
    changes,
    readinessChecks: {
      database: () => db.query('SELECT 1'),
      store: () => store.ping(),
      broker: () => events.transport.check(),
    },
    close: async () => {
      await Promise.allSettled([db.destroy(), store.close(), changes.close()]);
    },
  };
}

/** Every process of one deployment (subgraphs and gateways) shares the change feed's namespace. */
export function changeFeedNamespace(config: CommonConfig): string {
  return `${config.redisKeyPrefix}:changes`;
}

/** Every subgraph gets the outbox, inbox and dead-letter tables before its own. */
export function migrationsOf(module: SubgraphModule) {
  return [CreateEventTables1763700000000, AddDeadLetterDetails1800600000000, ...module.migrations];
}
