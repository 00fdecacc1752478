import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import express, { Express } from 'express';
import type { DataSource } from 'typeorm';
import type { NonEmptyArray } from 'type-graphql';
import { AccessTokenVerifier } from './auth/access-token';
import { TokenKeys, loadTokenKeys } from './auth/keys';
import { CommonConfig, EnvReader, envReader, readCommonConfig } from './config';
import { RequestContext, createRequestContext } from './context';
import { openDatabase } from './data/database';
import { createErrorFormatter } from './errors';
import { entityAnswersOnlyShareable } from './cache-hints';
import { ReferenceResolvers, buildFederatedSchema } from './federation';
import { closeServer, createHttpServer, jsonErrorHandler, listen, portOf } from './http/express';
import { operationLogPlugin } from './http/operation-log';
import { Logger, createLogger } from './logger';
import { Metrics } from './metrics';
import { KeyValueStore, createStore } from './store';
import { EventBackbone } from './events/backbone';
import type { EventHandler } from './events/consumer';
import { CreateEventTables1763700000000 } from './events/event-tables.migration';
import type { Outbox } from './events/outbox';
import { ChangeFeed, createChangeFeed } from './changes/change-feed';
import { AfterCommit } from './data/after-commit';
import { authorizationFrom, serveGraphQLOverWebSocket } from './http/graphql-ws';

/** What a subgraph's wiring receives: its configuration and its own connections. */
export interface SubgraphDeps {
  name: string;
  env: EnvReader;
  config: CommonConfig;
  keys: TokenKeys;
  db: DataSource;
  store: KeyValueStore;
  log: Logger;
  /** Records events inside a service's transaction; the relay publishes them after commit. */
  outbox: Outbox;
  /** Live "this changed" notifications to every process (subscriptions); publish after commit. */
  changes: ChangeFeed;
  /** Registers work (notifications, cache invalidation) to run once the current transaction commits. */
  afterCommit: AfterCommit;
  /** This subgraph's own `http://host:port`; known once it listens (call it from resolvers, not from wire). */
  origin(): string;
}

/** What a subgraph hands back from wiring: resolver instances and optional extras. */
export interface SubgraphWiring {
  /** Resolver instances, found by class when type-graphql asks its container. */
  resolvers: object[];
  references?: ReferenceResolvers;
  /** REST edge routes (webhooks, uploads, downloads); mounted before `/graphql`. */
  routes?(app: Express): void;
  /** Event handlers; the subgraph's durable queue is bound to exactly their event types. */
  handlers?: EventHandler[];
  /** Demo data for `npm start`; must be idempotent. */
  seed?(): Promise<void>;
  close?(): Promise<void>;
}

/** A subgraph is a folder of aggregates plus one of these. */
export interface SubgraphModule<Settings = unknown> {
  /** Name in the supergraph, Postgres schema name, log and metric label. */
  name: string;
  defaultPort: number;
  entities: Function[];
  migrations: Function[];
  resolvers: NonEmptyArray<Function>;
  orphanedTypes?: Function[];
  /** Reads and validates the subgraph's own settings; runs before anything starts, so a bad one costs nothing. */
  readSettings?(env: EnvReader): Settings;
  wire(deps: SubgraphDeps, settings: Settings): SubgraphWiring;
}

export interface StartOptions {
  env?: EnvReader;
  port?: number;
  host?: string;
  /** Overrides DATABASE_URL (embedded mode and tests). */
  databaseUrl?: string;
  logDestination?: import('pino').DestinationStream;
  seed?: boolean;
  /**
   * Start publishing the outbox right away (default). The embedded run starts every
   * subgraph first, so every in-process queue exists before the first event is routed.
   */
  startRelay?: boolean;
}

export interface RunningSubgraph {
  name: string;
  port: number;
  url: string;
  deps: SubgraphDeps;
  wiring: SubgraphWiring;
  events: EventBackbone;
  close(): Promise<void>;
}

export function subgraphPort(module: SubgraphModule, env: EnvReader): number {
  return env.port(`${module.name.toUpperCase()}_PORT`, module.defaultPort);
}

/** Builds the subgraph's schema without any connection (schema printing, composition tests). */
export function buildSubgraphSchemaOf(module: SubgraphModule, wiring?: SubgraphWiring) {
  const instances = new Map((wiring?.resolvers ?? []).map((instance) => [instance.constructor, instance]));
  return buildFederatedSchema({
    resolvers: module.resolvers,
    orphanedTypes: module.orphanedTypes,
    references: wiring?.references,
    container: wiring
      ? { get: (someClass) => instances.get(someClass as Function) ?? new (someClass as new () => object)() }
      : undefined,
  });
}

export async function startSubgraph(module: SubgraphModule, options: StartOptions = {}): Promise<RunningSubgraph> {
  const env = options.env ?? envReader();
  const config = readCommonConfig(env);
  const log = createLogger({ name: module.name, level: config.logLevel, destination: options.logDestination });
  const settings = module.readSettings?.(env);
  const port = options.port ?? subgraphPort(module, env);
  const host = options.host ?? env.string('HOST', '127.0.0.1');
  const databaseUrl = options.databaseUrl ?? config.databaseUrl;
  if (!databaseUrl) throw new Error(`${module.name}: DATABASE_URL is not set (npm start provides embedded Postgres)`);
  const keys = loadTokenKeys(config);
  const verifier = new AccessTokenVerifier(keys.publicKeyPem, config.jwt);

  const db = await openDatabase({
    url: databaseUrl,
    schema: module.name,
    entities: module.entities,
    // Every subgraph gets the outbox, inbox and dead-letter tables before its own.
    migrations: [CreateEventTables1763700000000, ...module.migrations],
    log,
    poolSize: config.databasePoolSize,
  });
  const store = createStore(config.redisUrl, `${config.redisKeyPrefix}:${module.name}`);
  const metrics = new Metrics(module.name);
  const events = new EventBackbone({
    name: module.name,
    db,
    databaseUrl,
    amqpUrl: config.amqpUrl,
    settings: config.events,
    log,
    metrics,
  });
  const changes = createChangeFeed(config.redisUrl, changeFeedNamespace(config), log);
  let origin: string | undefined;
  const deps: SubgraphDeps = {
    name: module.name,
    env,
    config,
    keys,
    db,
    store,
    log,
    outbox: events.outbox,
    changes,
    afterCommit: new AfterCommit(db, log),
    origin: () => {
      if (!origin) throw new Error(`${module.name}: origin() is known only once the subgraph listens`);
      return origin;
    },
  };
  const wiring = module.wire(deps, settings);

  const app = express();
  app.disable('x-powered-by');
  app.use(metrics.httpMiddleware());
  const httpServer = createHttpServer(app);
  const schema = await buildSubgraphSchemaOf(module, wiring);
  const formatError = createErrorFormatter(log, {
    exposeInternals: config.environment === 'development' && env.bool('EXPOSE_INTERNAL_ERRORS', false),
  });
  const trustForwardedClientIp = env.bool('TRUST_FORWARDED_CLIENT_IP', true);
  // A subgraph with a Subscription type serves it over graphql-ws itself, so Apollo Router can pass subscriptions through.
  const closeWebSockets = schema.getSubscriptionType()
    ? serveGraphQLOverWebSocket(httpServer, '/graphql', {
        schema,
        formatError,
        context: ({ connectionParams, extra }) =>
          createRequestContext(
            {
              // A browser sends the token in connectionParams; Apollo Router (passthrough) may propagate it as an upgrade header.
              headers: {
                ...extra.request.headers,
                authorization: authorizationFrom(connectionParams) ?? extra.request.headers.authorization,
              },
              remoteAddress: extra.request.socket.remoteAddress,
            },
            { verifier, log, trustForwardedClientIp },
          ) as unknown as Record<string, unknown>,
      })
    : async () => undefined;
  const apollo = new ApolloServer<RequestContext>({
    // Shutdown belongs to the process (runUntilSignal): Apollo's own handler would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      entityAnswersOnlyShareable(),
      metrics.apolloPlugin(),
      operationLogPlugin(),
    ],
  });
  await apollo.start();

  app.get('/health', (_req, res) => void res.json({ status: 'ok', service: module.name }));
  app.get('/ready', async (_req, res) => {
    const checks = await readinessChecks({
      database: () => db.query('SELECT 1'),
      store: () => store.ping(),
      broker: () => events.transport.check(),
    });
    res.status(checks.ready ? 200 : 503).json({ service: module.name, ...checks });
  });
  app.get('/metrics', metrics.handler());
  wiring.routes?.(app);
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        createRequestContext(
          { headers: req.headers, remoteAddress: req.socket.remoteAddress },
          { verifier, log, trustForwardedClientIp },
        ),
    }),
  );
  app.use(jsonErrorHandler);

  if (options.seed) await wiring.seed?.();
  try {
    await events.start(wiring.handlers ?? [], { startRelay: options.startRelay ?? true });
    await listen(httpServer, port, host, module.name);
  } catch (error) {
    await closeWebSockets();
    await apollo.stop();
    await events.stop();
    await Promise.allSettled([db.destroy(), store.close(), changes.close()]);
    throw error;
  }
  const actualPort = portOf(httpServer);
  origin = `http://${host}:${actualPort}`;
  log.info({ port: actualPort }, `${module.name} subgraph ready`);

  return {
    name: module.name,
    port: actualPort,
    url: `http://${host}:${actualPort}/graphql`,
    deps,
    wiring,
    events,
    close: async () => {
      await closeWebSockets();
      await closeServer(httpServer);
      await apollo.stop();
      await events.stop();
      await wiring.close?.();
      await Promise.allSettled([db.destroy(), store.close(), changes.close()]);
    },
  };
}

/** Every process of one deployment (subgraphs and gateways) shares the change feed's namespace. */
export function changeFeedNamespace(config: CommonConfig): string {
  return `${config.redisKeyPrefix}:changes`;
}

/** Runs every dependency check, each bounded in time, and reports each one. */
export async function readinessChecks(checks: Record<string, () => Promise<unknown>>, timeoutMs = 2_000) {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs).unref()),
        ]);
        return [name, { ok: true }] as const;
      } catch (error) {
        return [name, { ok: false, error: error instanceof Error ? error.message : String(error) }] as const;
      }
    }),
  );
  return { ready: results.every(([, result]) => result.ok), checks: Object.fromEntries(results) };
}
