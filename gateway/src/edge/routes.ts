import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { Express } from 'express';
import { AccessTokenVerifier, GatewaySigner, Logger, Metrics, jsonErrorHandler } from '@marketplace/kit';
import type { GatewayConfig } from '../config';
import { corsMiddleware } from './cors';
import { healthHandler } from './health';
import { mountPlayground } from './playground';
import type { GatewayRateLimit } from './rate-limit';
import { GatewayContext, createGatewayContext, requestIdMiddleware } from './request-context';
import { mountRestEdge } from './rest-edge';

export const GRAPHQL_PATH = '/graphql';
/** Operations are small; variables may carry a few form fields, never files (uploads have their own route). */
const MAX_BODY_BYTES = 2 ** 20;

/** The Express app the HTTP server serves; routes are mounted once Apollo Server has started. */
export function buildExpressApp(config: Pick<GatewayConfig, 'trustProxy'>): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  return app;
}

export interface RouteDeps {
  config: GatewayConfig;
  apollo: ApolloServer<GatewayContext>;
  metrics: Metrics;
  verifier: AccessTokenVerifier;
  /** Signs the identity the REST edge forwards, as the data sources sign GraphQL calls. */
  signer: GatewaySigner;
  rateLimit: GatewayRateLimit | undefined;
  /** Subgraph name → the URL the gateway calls, filled in as the supergraph loads. */
  subgraphs: ReadonlyMap<string, string>;
  log: Logger;
}

/**
 * Every HTTP route, in the order a request meets them: metrics and the request id first (so
 * every answer is timed and carries its id), then `/health`, `/metrics` and the REST edge,
 * then CORS, the playground and GraphQL on `/graphql`, and last the handler that turns an
 * unreadable body into a GraphQL-shaped 4xx.
 */
export function mountRoutes(app: Express, deps: RouteDeps): void {
  const { config, apollo, metrics, verifier, signer, rateLimit, subgraphs, log } = deps;
  const store = rateLimit?.store;
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
    signer,
  });
  app.use(GRAPHQL_PATH, corsMiddleware(config));
  mountPlayground(app, GRAPHQL_PATH);
  const contextDeps = { verifier, log, rateLimiter: rateLimit?.limiter };
  app.use(
    GRAPHQL_PATH,
    express.json({ limit: MAX_BODY_BYTES }),
    expressMiddleware(apollo, { context: ({ req, res }) => createGatewayContext(req, res, contextDeps) }),
  );
  app.use(jsonErrorHandler);
}
