import type { DestinationStream } from 'pino';
import {
  EnvReader,
  Mailbox,
  answerLastOnEachConnection,
  Metrics,
  buildGatewaySigner,
  changeFeedNamespace,
  closeServer,
  createChangeFeed,
  createHttpServer,
  createLogger,
  envReader,
  listen,
  portOf,
  undoingOnFailure,
} from '@marketplace/kit';
import { buildApolloGateway, readSupergraph } from './apollo/apollo-gateway';
import { buildApolloServer, gatewayErrorFormatter } from './apollo/apollo-server';
import { buildCaches, invalidateOnChangeNotices } from './caching/caches';
import type { PublicDataCache } from './caching/public-cache';
import type { ResponseCache } from './caching/response-cache';
import { readGatewayConfig } from './config';
import { ApiKeyExchange } from './edge/api-key-exchange';
import { buildRateLimit, describeRateLimit } from './edge/rate-limit';
import { buildTokenVerifier } from './edge/request-context';
import { GRAPHQL_PATH, buildExpressApp, mountRoutes } from './edge/routes';
import { SubgraphAnswer, buildSubgraphFetcher } from './subgraph-io/subgraph-fetcher';
import { serveLiveSubscriptions } from './subscriptions/live-subscriptions';
import { TrustProxyFn, upgradeClientIp } from './subscriptions/socket-limits';

export { GRAPHQL_PATH } from './edge/routes';

export interface GatewayOptions {
  env?: EnvReader;
  port?: number;
  host?: string;
  /** The composed supergraph; by default read from `SUPERGRAPH_PATH` (schema/supergraph.graphql). */
  supergraphSdl?: string;
  logDestination?: DestinationStream;
  /** Mail to show at `/dev/mail` (`npm start`'s SMTP sink); ignored in production. */
  mailbox?: Mailbox;
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
  /** SIGTERM: still serving, each answer closing its connection, so clients reconnect elsewhere before `close`. */
  drain(): void;
  close(): Promise<void>;
}

/** Express in front of Apollo Server in front of @apollo/gateway, with the caches, limits and subscriptions around them. */
export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const config = readGatewayConfig(options.env ?? envReader());
  const { port = config.port, host = config.host } = options;
  const log = createLogger({ name: 'gateway', level: config.common.logLevel, destination: options.logDestination });
  const metrics = new Metrics('gateway');
  const { verifier, sessions } = buildTokenVerifier(config.common, log);
  const signer = buildGatewaySigner(config.common);
  const caches = buildCaches(config, metrics);
  const fetcher = buildSubgraphFetcher(config, metrics, caches);
  const supergraphSdl = options.supergraphSdl ?? readSupergraph(config.supergraphPath);
  const { gateway, subgraphs, apiSchema } = buildApolloGateway(config, {
    supergraphSdl,
    send: fetcher.send,
    log,
    signer,
  });
  const app = buildExpressApp(config);
  const httpServer = createHttpServer(app);
  // Node would answer `Expect: 100-continue` itself, inviting a body the edge may refuse from its headers (continueIfExpected).
  httpServer.on('checkContinue', app);
  const formatError = gatewayErrorFormatter(log, config.common.exposeInternalErrors);
  const plugins = [caches.responseCachePlugin, metrics.apolloPlugin()];
  const apollo = buildApolloServer(config, { gateway, httpServer, formatError, plugins, log });
  const rateLimit = buildRateLimit(config, log);
  const changes = createChangeFeed(config.common.redisUrl, changeFeedNamespace(config.common), log);
  invalidateOnChangeNotices(caches, changes, log);
  const closeConnections = async () => {
    fetcher.close();
    await Promise.allSettled([rateLimit?.store.close(), changes.close(), sessions.close()]);
  };

  await undoingOnFailure(apollo.start(), closeConnections);
  const { mailbox } = options;
  let draining = false;
  const usersUrl = subgraphs.get('users');
  const apiKeys =
    usersUrl && new ApiKeyExchange(usersUrl, signer, config.apiKeys.cacheSeconds, log.child({ component: 'api-keys' }));
  mountRoutes(app, {
    config,
    apollo,
    metrics,
    verifier,
    signer,
    rateLimit,
    subgraphs,
    log,
    mailbox,
    draining: () => draining,
    apiKeys: apiKeys || undefined,
  });
  const closeWebSockets = serveLiveSubscriptions(httpServer, GRAPHQL_PATH, {
    apollo,
    schema: apiSchema,
    changes,
    verifier,
    limits: config.limits,
    formatError,
    log: log.child({ component: 'subscriptions' }),
    rateLimiter: rateLimit?.limiter,
    webSocket: config.webSocket,
    countSubscriptions: metrics.countSubscriptions,
    clientIpOf: (request) => upgradeClientIp(request, app.get('trust proxy fn') as TrustProxyFn),
    apiKeys: apiKeys || undefined,
  });
  const stop = async (server: 'listening' | 'not listening') => {
    await closeWebSockets();
    if (server === 'listening') await closeServer(httpServer);
    await apollo.stop();
    await closeConnections();
  };
  await undoingOnFailure(listen(httpServer, port, host, 'gateway'), () => stop('not listening'));

  const actualPort = portOf(httpServer);
  const url = `http://${host}:${actualPort}${GRAPHQL_PATH}`;
  log.info({ url, subgraphs: Object.fromEntries(subgraphs), rateLimit: describeRateLimit(config) }, 'gateway ready');
  const { responseCache, subgraphCache } = caches;
  const drain = () => {
    draining = true;
    answerLastOnEachConnection(httpServer);
  };
  return { url, port: actualPort, responseCache, subgraphCache, subgraphs, drain, close: () => stop('listening') };
}
