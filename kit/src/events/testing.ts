import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { envReader, readCommonConfig } from '../config';
import { openDatabase } from '../data/database';
import { createLogger } from '../logger';
import type { DestinationStream } from 'pino';
import { Metrics } from '../metrics';
import { EventBackbone } from './backbone';
import type { EventHandler } from './consumer';
import { defineEvent } from './envelope';
import { CreateEventTables1763700000000 } from './event-tables.migration';
import { AddDeadLetterDetails1800600000000 } from './dead-letter-details.migration';
import { createBacklogBoard } from './backlog';
import { until } from '../testing/helpers';
import { TestDatabase, createTestDatabase } from '../testing/database';

/** Test-only events: the contract tests must not depend on any real subgraph's catalog entries. */
export const ProbeHappened = defineEvent(
  'probe.happened',
  1,
  z.object({ aggregate: z.string(), n: z.number().int(), failUntil: z.number().int().optional() }),
);
export const ProbeFollowed = defineEvent('probe.followed', 1, z.object({ n: z.number().int() }));

export class CreateEffects1700000000001 implements MigrationInterface {
  name = 'CreateEffects1700000000001';
  async up(db: QueryRunner) {
    // No unique key on purpose: an effect applied twice shows up as two rows.
    await db.query(
      `CREATE TABLE effects (id bigserial PRIMARY KEY, event_id uuid NOT NULL, aggregate text NOT NULL, n int NOT NULL, handled_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
    );
  }
  async down(db: QueryRunner) {
    await db.query('DROP TABLE effects');
  }
}

export interface EventNode {
  name: string;
  metrics: Metrics;
  backbone: EventBackbone;
  db: Awaited<ReturnType<typeof openDatabase>>;
  close(): Promise<void>;
}

/** One subgraph's event machinery without its GraphQL server: enough to prove the backbone. */
export async function startEventNode(options: {
  name: string;
  databaseUrl: string;
  handlers?: EventHandler[];
  env?: Record<string, string>;
  logDestination?: DestinationStream;
}): Promise<EventNode> {
  const env = envReader({ ...process.env, ...options.env });
  const config = readCommonConfig(env);
  const log = createLogger({
    name: options.name,
    level: options.logDestination ? 'debug' : 'silent',
    destination: options.logDestination,
  });
  const db = await openDatabase({
    url: options.databaseUrl,
    schema: options.name,
    entities: [],
    migrations: [CreateEventTables1763700000000, AddDeadLetterDetails1800600000000, CreateEffects1700000000001],
    log,
    poolSize: 5,
  });
  const metrics = new Metrics(options.name);
  const backbone = new EventBackbone({
    name: options.name,
    db,
    databaseUrl: options.databaseUrl,
    amqpUrl: config.amqpUrl,
    settings: config.events,
    log,
    metrics,
    backlogBoard: createBacklogBoard(config),
  });
  await backbone.start(options.handlers ?? []);
  return {
    name: options.name,
    metrics,
    backbone,
    db,
    close: async () => {
      await backbone.stop();
      await db.destroy();
    },
  };
}

/** Polls until `check` holds, failing with `describe()` after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs = 15_000,
  describe = () => 'condition',
): Promise<void> {
  await until(async () => ((await check()) ? true : undefined), describe(), timeoutMs);
}

/** The database `useEventTablesDatabase` opens: set before the file's first test. */
export interface EventTablesDatabase {
  database: TestDatabase;
  db: DataSource;
}

/**
 * A fresh database with only the event tables in `schema`, opened before this file's tests and
 * dropped after them: for tests of the outbox and the relay without a subgraph around them.
 */
export function useEventTablesDatabase(schema: string): EventTablesDatabase {
  const tables = {} as EventTablesDatabase;
  beforeAll(async () => {
    tables.database = await createTestDatabase();
    tables.db = await openDatabase({
      url: tables.database.url,
      schema,
      entities: [],
      migrations: [CreateEventTables1763700000000],
      log: createLogger({ name: 'test', level: 'silent' }),
    });
  });
  afterAll(async () => {
    await tables.db?.destroy();
    await tables.database?.drop();
  });
  return tables;
}
