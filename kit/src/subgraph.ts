import type { Express } from 'express';
import type { DestinationStream } from 'pino';
import type { DataSource } from 'typeorm';
import type { ClassType, NonEmptyArray } from 'type-graphql';
import { AccessTokenVerifier } from './auth/access-token';
import { SessionVersions, createSessionVersions } from './auth/session-versions';
import { buildGatewaySigner } from './auth/subgraph-signing-secret';
import { TokenKeys, loadTokenKeys } from './auth/keys';
import { CommonConfig, EnvReader, envReader, readCommonConfig } from './config';
import { AfterCommit } from './data/after-commit';
import type { DevelopmentSurface, SchemaVariant } from './development-surface';
import { createErrorFormatter } from './errors';
import type { ChangeFeed } from './changes/change-feed';
import type { EventBackbone } from './events/backbone';
import type { EventHandler } from './events/consumer';
import type { Outbox } from './events/outbox';
import { ReferenceResolvers, SchemaExtension, buildFederatedSchema } from './federation';
import { answerLastOnEachConnection, closeServer, createHttpServer, listen, portOf } from './http/express';
import { Logger, createLogger } from './logger';
import { Metrics } from './metrics';
import { undoingOnFailure } from './process';
import { SubgraphConnections, migrationsOf, openConnections } from './server/connections';
import { openDatabase } from './data/database';
import { limitApiKeysToTheirScopes } from './auth/api-key-scope';
import { acceptIdentityOnUpgrade, answerFederationFieldsOnlyToGateway } from './server/gateway-identity';
import { RequestContextDeps, buildSubgraphApolloServer, serveSubgraphSubscriptions } from './server/graphql-server';
import { buildSubgraphApp, mountSubgraphRoutes } from './server/routes';
import type { KeyValueStore } from './store';

export { changeFeedNamespace } from './server/connections';
export { readinessChecks } from './server/readiness';

/** What a subgraph's wiring receives: its configuration and its own connections. */
export interface SubgraphDeps {
  name: string;
  env: EnvReader;
  config: CommonConfig;
  keys: TokenKeys;
  /** Users' session versions, shared by every process (the users subgraph raises them). */
  sessions: SessionVersions;
  db: DataSource;
  store: KeyValueStore;
  log: Logger;
  /** Records events inside a service's transaction; the relay publishes them after commit. */
  outbox: Outbox;
  /** Live "this changed" notifications to every process (subscriptions); publish after commit. */
  changes: ChangeFeed;
  /** Registers work (notifications, cache invalidation) to run once the current transaction commits. */
  afterCommit: AfterCommit;
  /** The subgraph's Prometheus registry (served on /metrics): its own counters go here. */
  metrics: Metrics;
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
  /** Start-up work that needs the database, once migrated and before the port listens (noting the signing key in use). */
  start?(): Promise<void>;
  /** Demo data for `npm start`; must be idempotent. */
  seed?(): Promise<void>;
  close?(): Promise<void>;
}

/** A subgraph is a folder of aggregates plus one of these. */
export interface SubgraphModule<Settings = unknown> {
  /** Name in the supergraph, Postgres schema name, log and metric label. */
  name: string;
  defaultPort: number;
  entities: ClassType[];
  migrations: ClassType[];
  resolvers: NonEmptyArray<ClassType>;
  orphanedTypes?: ClassType[];
  /**
   * Types, fields and enum values served only in development (docs/api-conventions.md rule 9):
   * absent from the schema unless `servedWith(settings)`. `npm run schema` prints both variants.
   */
  developmentSurface?: DevelopmentSurface<Settings>;
  /** SDL beside the decorated classes (the users subgraph's `Node` while global ids are on); none when undefined. */
  schemaExtension?(): SchemaExtension | undefined;
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
  logDestination?: DestinationStream;
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
  /**
   * `/ready` answers 503 from now on while everything still serves, each answer closing its
   * connection (SIGTERM: `drainThenClose`).
   */
  drain(): void;
  close(): Promise<void>;
}

export function subgraphPort(module: SubgraphModule, env: EnvReader): number {
  return env.port(`${module.name.toUpperCase()}_PORT`, module.defaultPort);
}

/** The schema variant a run of `module` with these settings serves: development only when its surface says so. */
export function schemaVariantOf<Settings>(module: SubgraphModule<Settings>, settings: Settings): SchemaVariant {
  return module.developmentSurface?.servedWith(settings) ? 'development' : 'production';
}

/**
 * Builds the subgraph's schema without any connection (schema printing, composition tests);
 * the production variant unless told otherwise.
 */
export function buildSubgraphSchemaOf(
  module: SubgraphModule,
  wiring?: SubgraphWiring,
  variant: SchemaVariant = 'production',
) {
  const instances = new Map((wiring?.resolvers ?? []).map((instance) => [instance.constructor, instance]));
  return buildFederatedSchema({
    resolvers: module.resolvers,
    orphanedTypes: module.orphanedTypes,
    references: wiring?.references,
    without: variant === 'production' ? module.developmentSurface : undefined,
    extension: module.schemaExtension?.(),
    container: wiring ? { get: (someClass: ClassType) => instances.get(someClass) ?? new someClass() } : undefined,
  });
}

/** Connections, wiring, Express, Apollo Server and graphql-ws for one subgraph module, listening on its port. */
export async function startSubgraph(module: SubgraphModule, options: StartOptions = {}): Promise<RunningSubgraph> {
  const env = options.env ?? envReader();
  const config = readCommonConfig(env);
  const log = createLogger({ name: module.name, level: config.logLevel, destination: options.logDestination });
  if (config.databaseMigrations === 'only') {
    // The migration Job's container: done once the schema is current, before any setting it does not
    // need (keys, SMTP, Stripe) is asked for. Nothing else is open, so the process ends here.
    await migrateSubgraph(module, { databaseUrl: options.databaseUrl ?? config.databaseUrl, log });
    log.info('migrations applied (DATABASE_MIGRATIONS=only), exiting');
    process.exit(0);
  }
  const settings = module.readSettings?.(env);
  const port = options.port ?? subgraphPort(module, env);
  const host = options.host ?? env.string('HOST', '127.0.0.1');
  const databaseUrl = options.databaseUrl ?? config.databaseUrl;
  if (!databaseUrl) throw new Error(`${module.name}: DATABASE_URL is not set (npm start provides embedded Postgres)`);
  const keys = loadTokenKeys(config);
  const sessions = createSessionVersions(config, log);
  const context: RequestContextDeps = {
    verifier: new AccessTokenVerifier(keys.publicKeyPem, config.jwt, sessions),
    log,
    trustForwardedClientIp: env.bool('TRUST_FORWARDED_CLIENT_IP', true),
    signer: buildGatewaySigner(config),
  };
  const metrics = new Metrics(module.name);
  let draining = false;
  const notDraining = async () => {
    if (draining) throw new Error('draining before shutdown');
  };
  const app = buildSubgraphApp(metrics, module.name);
  const httpServer = createHttpServer(app);
  const origin = () => (httpServer.listening ? `http://${host}:${portOf(httpServer)}` : undefined);
  const connections = await undoingOnFailure(openConnections(module, { config, databaseUrl, log, metrics }), () =>
    sessions.close(),
  );
  const deps = subgraphDeps(module, { env, config, keys, sessions, log, metrics, connections, origin });
  const wiring = module.wire(deps, settings);

  const variant = schemaVariantOf(module, settings);
  const schema = limitApiKeysToTheirScopes(
    answerFederationFieldsOnlyToGateway(await buildSubgraphSchemaOf(module, wiring, variant)),
  );
  const formatError = createErrorFormatter(log, { exposeInternals: config.exposeInternalErrors });
  acceptIdentityOnUpgrade(httpServer, context.signer);
  const limits = config.operationLimits;
  const closeWebSockets = serveSubgraphSubscriptions(httpServer, schema, { formatError, context, limits, metrics });
  const apollo = buildSubgraphApolloServer(schema, { httpServer, formatError, metrics, limits });
  await apollo.start();
  mountSubgraphRoutes(app, {
    name: module.name,
    apollo,
    metrics,
    context,
    maxTokens: limits.maxTokens,
    readiness: { ...connections.readinessChecks, shutdown: notDraining },
    routes: (routesApp) => wiring.routes?.(routesApp),
  });

  if (options.seed) await wiring.seed?.();
  const stop = async (server: 'listening' | 'not listening') => {
    await closeWebSockets();
    if (server === 'listening') await closeServer(httpServer);
    await apollo.stop();
    await connections.events.stop();
    await wiring.close?.();
    await connections.close();
    await sessions.close();
  };
  const startEventsThenListen = async () => {
    await connections.events.start(wiring.handlers ?? [], { startRelay: options.startRelay ?? true });
    await wiring.start?.();
    await listen(httpServer, port, host, module.name);
  };
  await undoingOnFailure(startEventsThenListen(), () => stop('not listening'));
  const actualPort = portOf(httpServer);
  log.info({ port: actualPort, schemaVariant: variant }, `${module.name} subgraph ready`);
  const url = `http://${host}:${actualPort}/graphql`;
  const close = () => stop('listening');
  const drain = () => {
    if (!draining) log.info('draining: not ready, still serving until closed');
    draining = true;
    answerLastOnEachConnection(httpServer);
  };
  return { name: module.name, port: actualPort, url, deps, wiring, events: connections.events, drain, close };
}

/**
 * Brings the subgraph's Postgres schema up to date and closes the connection: what a migration Job
 * runs before a rollout (`DATABASE_MIGRATIONS=only`). Safe beside starting replicas: the same advisory lock.
 */
export async function migrateSubgraph(
  module: SubgraphModule,
  options: { databaseUrl: string | undefined; log: Logger },
): Promise<void> {
  if (!options.databaseUrl) throw new Error(`${module.name}: DATABASE_URL is not set`);
  const db = await openDatabase({
    url: options.databaseUrl,
    schema: module.name,
    entities: module.entities,
    migrations: migrationsOf(module),
    log: options.log,
    // One connection holds the advisory lock while another runs the migrations.
    poolSize: 2,
  });
  await db.destroy();
}

/** What `wire` receives; `origin` is known once the subgraph listens. */
function subgraphDeps(
  module: SubgraphModule,
  parts: Pick<SubgraphDeps, 'env' | 'config' | 'keys' | 'sessions' | 'log' | 'metrics'> & {
    connections: SubgraphConnections;
    origin: () => string | undefined;
  },
): SubgraphDeps {
  const { env, config, keys, sessions, log, metrics, connections } = parts;
  const { db, store, events, changes } = connections;
  return {
    name: module.name,
    env,
    config,
    keys,
    sessions,
    db,
    store,
    log,
    metrics,
    outbox: events.outbox,
    changes,
    afterCommit: new AfterCommit(db, log),
    origin: () => {
      const origin = parts.origin();
      if (!origin) throw new Error(`${module.name}: origin() is known only once the subgraph listens`);
      return origin;
    },
  };
}
