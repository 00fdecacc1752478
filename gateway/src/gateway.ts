import { readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors, { CorsOptions } from 'cors';
import express from 'express';
import { GraphQLError, GraphQLFormattedError, GraphQLSchema, getOperationAST } from 'graphql';
import type { DestinationStream } from 'pino';
import {
  AccessTokenVerifier,
  ConfigError,
  EnvReader,
  Headers,
  KeyValueStore,
  Logger,
  Metrics,
  closeServer,
  createErrorFormatter,
  createHttpServer,
  createLogger,
  createStore,
  ChangeTopics,
  changeFeedNamespace,
  createChangeFeed,
  envReader,
  jsonErrorHandler,
  listen,
  loadTokenKeys,
  operationLogPlugin,
  portOf,
} from '@marketplace/kit';
import { constructedWithApolloTelemetry } from './apollo-telemetry';
import { GatewayConfig, readGatewayConfig, subgraphEnvPrefix } from './config';
import {
  GatewayContext,
  HeaderSink,
  IncomingCall,
  createGatewayContext,
  incomingCallOf,
  requestIdMiddleware,
} from './context';
import { withLeanGraphQLPosts } from './graphql-post';
import { healthHandler } from './health';
import { limitRules } from './limits';
import { mountPlayground } from './playground';
import { RateLimitHeaders, RequestRateLimiter } from './rate-limit';
import { mountRestEdge } from './rest-edge';
import { SubgraphDataSource } from './remote-data-source';
import { ResponseCache, responseCachePlugin } from './response-cache';
import { PublicDataCache } from './public-cache';
import { SingleFetchShortcut } from './single-fetch';
import { SingleFetchLane } from './single-fetch-lane';
import { SubgraphAnswer, createSubgraphFetcher } from './subgraph-fetcher';
import { isSubscriptionOperation, serveLiveSubscriptions } from './subscriptions/live-subscriptions';

export const GRAPHQL_PATH = '/graphql';
/** Operations are small; variables may carry a few form fields, never files (uploads have their own route). */
const MAX_BODY_BYTES = 2 ** 20;
/** Browsers may cache a CORS preflight this long before asking again. */
const CORS_PREFLIGHT_MAX_AGE_SECONDS = 600;
const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

export interface GatewayOptions {
  env?: EnvReader;
  port?: number;
  host?: string;
  /** The composed supergraph; by default read from `SUPERGRAPH_PATH` (schema/supergraph.graphql). */
  supergraphSdl?: string;
  logDestination?: DestinationStream;
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Anonymous public answers kept in memory. */
  responseCache: ResponseCache;
  /** Subgraph answers their subgraph declared public, shared by every viewer. */
  subgraphCache: PublicDataCache<SubgraphAnswer>;
  /** Subgraph name → the URL the gateway actually calls (after `<NAME>_URL` overrides). */
  subgraphs: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? envReader();
  const config = readGatewayConfig(env);
  const port = options.port ?? config.port;
  const host = options.host ?? config.host;
  const log = createLogger({ name: 'gateway', level: config.common.logLevel, destination: options.logDestination });
  const supergraphSdl = options.supergraphSdl ?? readSupergraph(config.supergraphPath);
  const keys = loadTokenKeys(config.common);
  const verifier = new AccessTokenVerifier(keys.publicKeyPem, {
    issuer: config.common.jwt.issuer,
    audience: config.common.jwt.audience,
  });
  const metrics = new Metrics('gateway');
  const joinedFetches = metrics.counter(
    'gateway_subgraph_fetches_joined_total',
    'Subgraph reads answered by joining an identical one in flight (single flight)',
  );
  const subgraphCache = new PublicDataCache<SubgraphAnswer>(config.subgraphCache);
  const subgraphCacheLookups = metrics.counter(
    'gateway_subgraph_cache_lookups_total',
    'Subgraph reads looked up among the public answers kept, by result',
    ['result'],
  );
  metrics.gauge('gateway_subgraph_cache_entries', 'Public subgraph answers held', () => subgraphCache.size);
  const fetcher = createSubgraphFetcher({
    timeoutMs: config.subgraphTimeoutMs,
    singleFlight: config.subgraphSingleFlight,
    onJoin: () => joinedFetches.inc(),
    sharedCache: subgraphCache,
    onCacheLookup: (result) => subgraphCacheLookups.inc({ result }),
  });
  const responseCache = new ResponseCache(config.responseCache);
  const cacheLookups = metrics.counter(
    'gateway_response_cache_lookups_total',
    'Anonymous public operations looked up in the response cache, by result',
    ['result'],
  );
  metrics.gauge('gateway_response_cache_entries', 'Answers held in the response cache', () => responseCache.size);

  const directOperations = metrics.counter(
    'gateway_single_fetch_operations_total',
    'Operations served by the single-fetch shortcut (one subgraph answers them whole; no query-plan executor), by pipeline: apollo (Apollo Server answered) or skipped (the lane answered alone)',
    ['pipeline'],
  );
  const shortcut = config.singleFetch.shortcut
    ? new SingleFetchShortcut(() => directOperations.inc({ pipeline: 'apollo' }))
    : undefined;
  const lane =
    shortcut && config.singleFetch.skipPipeline
      ? new SingleFetchLane({
          shortcut,
          responseCache,
          metrics,
          onAnswer: () => directOperations.inc({ pipeline: 'skipped' }),
        })
      : undefined;
  const subgraphs = new Map<string, string>();
  const gateway = constructedWithApolloTelemetry(
    config.apolloTelemetry,
    () =>
      new ApolloGateway({
        supergraphSdl,
        logger: log.child({ component: 'apollo-gateway' }),
        experimental_didResolveQueryPlan: shortcut?.learn,
        buildService: ({ name, url }) => {
          const target = config.subgraphUrlOverride(name) ?? url;
          if (!target)
            throw new ConfigError(
              `${subgraphEnvPrefix(name)}_URL`,
              `is required: the supergraph has no routing URL for subgraph "${name}"`,
            );
          subgraphs.set(name, target);
          return new SubgraphDataSource(name, target, fetcher.send, log);
        },
      }),
  );

  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: loaded }) => (apiSchema = loaded));

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Express until Apollo is ready; then plain GraphQL posts take the lean path in front of it.
  let serveRequest: RequestListener = app;
  const httpServer = createHttpServer((req, res) => serveRequest(req, res));
  const formatError = gatewayErrorFormatter(
    log,
    config.common.environment === 'development' && env.bool('EXPOSE_INTERNAL_ERRORS', false),
  );
  const apollo = new ApolloServer<GatewayContext>({
    // Shutdown belongs to the process (runUntilSignal): Apollo's own handler would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    gateway: shortcut ? shortcut.wrap(gateway) : gateway,
    logger: log.child({ component: 'apollo-server' }),
    introspection: config.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: limitRules(config.limits),
    formatError,
    plugins: [
      operationChecks(),
      responseCachePlugin(responseCache, (result) => cacheLookups.inc({ result })),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      metrics.apolloPlugin(),
      operationLogPlugin<GatewayContext>(),
    ],
  });
  // Only the rate limiter uses the store (Redis with REDIS_URL); its keys live under REDIS_KEY_PREFIX.
  const store: KeyValueStore | undefined = config.rateLimit.enabled
    ? createStore(config.common.redisUrl, storeNamespace(config))
    : undefined;
  const rateLimiter =
    store && new RequestRateLimiter(store, config.rateLimit, { log: log.child({ component: 'rate-limit' }) });
  const contextFor = (call: IncomingCall, res: HeaderSink) =>
    createGatewayContext(call, res, { verifier, log, rateLimiter });
  const changes = createChangeFeed(config.common.redisUrl, changeFeedNamespace(config.common), log);
  const publicCaches = [responseCache, subgraphCache].filter((cache) => cache.enabled);
  if (publicCaches.length > 0) {
    // Not awaited: a Redis that is down must not hold up start-up; the caches keep nothing until this resolves.
    changes
      .subscribe(ChangeTopics.publicData, () => publicCaches.forEach((cache) => cache.invalidate()))
      .then(
        () => publicCaches.forEach((cache) => cache.listen()),
        (error: unknown) => log.warn({ err: error }, 'public data caches off: no change notices'),
      );
  }
  let closeWebSockets = async () => undefined as void;
  const closeConnections = async () => {
    await closeWebSockets();
    fetcher.close();
    await Promise.allSettled([store?.close(), changes.close()]);
  };
  try {
    await apollo.start();
  } catch (error) {
    await closeConnections();
    throw error;
  }

  app.use(metrics.httpMiddleware());
  app.use(requestIdMiddleware);
  app.get(
    '/health',
    healthHandler(() => subgraphs, config.healthTimeoutMs, store ? { store: () => store.ping() } : {}),
  );
  app.get('/metrics', metrics.handler());
  mountRestEdge(app, config.restEdge.routes, {
    subgraphUrl: (name) => subgraphs.get(name),
    timeoutMs: config.restEdge.timeoutMs,
    log: log.child({ component: 'rest-edge' }),
  });
  app.use(GRAPHQL_PATH, cors(corsOptions(config)));
  mountPlayground(app, GRAPHQL_PATH);
  app.use(
    GRAPHQL_PATH,
    express.json({ limit: MAX_BODY_BYTES }),
    expressMiddleware(apollo, { context: async ({ req, res }) => contextFor(incomingCallOf(req, res), res) }),
  );
  // Behind a trusted proxy only Express works out the client's address: everything goes through it then.
  if (config.trustProxy === false) {
    serveRequest = withLeanGraphQLPosts(app, {
      path: GRAPHQL_PATH,
      apollo,
      maxBodyBytes: MAX_BODY_BYTES,
      context: contextFor,
      metrics,
      lane,
    });
  }
  app.use(jsonErrorHandler);
  closeWebSockets = serveLiveSubscriptions(httpServer, GRAPHQL_PATH, {
    apollo,
    schema: () => {
      if (!apiSchema) throw new Error('the supergraph is not loaded yet');
      return apiSchema;
    },
    changes,
    verifier,
    limits: config.limits,
    formatError,
    log: log.child({ component: 'subscriptions' }),
  });

  try {
    await listen(httpServer, port, host, 'gateway');
  } catch (error) {
    await apollo.stop();
    await closeConnections();
    throw error;
  }
  const actualPort = portOf(httpServer);
  const url = `http://${host}:${actualPort}${GRAPHQL_PATH}`;
  log.info({ url, subgraphs: Object.fromEntries(subgraphs), rateLimit: describeRateLimit(config) }, 'gateway ready');

  return {
    url,
    port: actualPort,
    responseCache,
    subgraphCache,
    subgraphs,
    close: async () => {
      await closeWebSockets();
      await closeServer(httpServer);
      await apollo.stop();
      await closeConnections();
    },
  };
}

/** `<REDIS_KEY_PREFIX>:gateway`, as subgraphs use `<REDIS_KEY_PREFIX>:<name>`: deployments and test runs sharing a Redis stay apart. */
export function storeNamespace(config: GatewayConfig): string {
  return `${config.common.redisKeyPrefix}:gateway`;
}

function describeRateLimit(config: GatewayConfig) {
  const { enabled, perUserPerMinute, perIpPerMinute } = config.rateLimit;
  return enabled
    ? { perUserPerMinute, perIpPerMinute, store: config.common.redisUrl ? 'redis' : 'memory' }
    : 'disabled';
}

function readSupergraph(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError(
        'SUPERGRAPH_PATH',
        `points to ${path}, which does not exist (run "npm run schema" to compose it)`,
      );
    }
    throw error;
  }
}

/**
 * The kit's formatter keeps known codes and their details (`fields`, …) and hides the rest.
 * @apollo/gateway stamps every subgraph error with `serviceName`; that is topology, logged, not sent.
 */
function gatewayErrorFormatter(log: Logger, exposeInternals: boolean) {
  const format = createErrorFormatter(log, { exposeInternals });
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    const result = format(formatted, raw);
    if (!result.extensions || !('serviceName' in result.extensions)) return result;
    const { serviceName: _serviceName, ...extensions } = result.extensions;
    return { ...result, extensions };
  };
}

/**
 * Refusals @apollo/gateway would otherwise answer with a 500: a subscription over HTTP (it
 * cannot execute them; they are served over WebSocket) and an operation name the document
 * does not contain (a client bug, so a 400 naming it).
 */
function operationChecks(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          if (request.operationName && !getOperationAST(document, request.operationName)) {
            throw new GraphQLError(`Unknown operation named "${request.operationName}"`, {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
          if (isSubscriptionOperation(document, request.operationName)) {
            throw new GraphQLError(`Subscriptions are served over WebSocket (graphql-ws) on ${GRAPHQL_PATH}`, {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

function corsOptions(config: GatewayConfig): CorsOptions {
  const allowed = config.corsOrigins ? new Set(config.corsOrigins) : undefined;
  return {
    origin: (origin, callback) =>
      callback(null, origin !== undefined && (allowed ? allowed.has(origin) : LOCAL_ORIGIN.test(origin))),
    credentials: true,
    // Browsers hide non-safelisted response headers from scripts unless they are listed here.
    exposedHeaders: [
      Headers.requestId,
      RateLimitHeaders.limit,
      RateLimitHeaders.remaining,
      RateLimitHeaders.reset,
      RateLimitHeaders.retryAfter,
    ],
    maxAge: CORS_PREFLIGHT_MAX_AGE_SECONDS,
  };
}
