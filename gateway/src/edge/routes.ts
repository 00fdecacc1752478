import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { Express, Request, Response } from 'express';
import {
  AccessTokenVerifier,
  GatewaySigner,
  Logger,
  Mailbox,
  Metrics,
  jsonErrorHandler,
  routeErrorBody,
} from '@marketplace/kit';
import type { GatewayConfig } from '../config';
import { corsMiddleware } from './cors';
import { mountDevMailbox } from './dev-mailbox';
import { healthHandler, livenessHandler, readinessHandler } from './health';
import { mountPlayground } from './playground';
import type { GatewayRateLimit } from './rate-limit';
import type { ApiKeyExchange } from './api-key-exchange';
import { GatewayContext, createGatewayContext, requestIdMiddleware } from './request-context';
import { continueIfExpected, payloadTooLargeHandler, refuseDeclaredOversize } from './body-size';
import { persistedQueryChecks } from './persisted-query';
import { mountRestEdge } from './rest-edge';
import { securityHeaders } from './security-headers';

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
  /** `npm start`'s SMTP sink: served at `/dev/mail` outside production. */
  mailbox?: Mailbox;
  /** True once SIGTERM has started the drain: `/ready` answers 503. */
  draining: () => boolean;
  /** Vendors' API keys; absent when the supergraph has no users subgraph. */
  apiKeys?: ApiKeyExchange;
}

/**
 * Every HTTP route, in the order a request meets them: security headers, metrics and the
 * request id first (so every answer has them, is timed and carries its id), then `/health` (every subgraph ready),
 * `/ready` (this gateway takes requests), `/live`, `/metrics` and the REST edge,
 * then the development mailbox (`/dev/mail`, only when given one and never in production), then CORS, the playground and GraphQL on `/graphql`, then a JSON 404, and last the handlers
 * that turn an unreadable or oversize body into a GraphQL-shaped 4xx.
 */
export function mountRoutes(app: Express, deps: RouteDeps): void {
  const { config, apollo, metrics, verifier, signer, rateLimit, subgraphs, log, mailbox, draining } = deps;
  const store = rateLimit?.store;
  app.use(securityHeaders(config.common.environment === 'production'));
  app.use(metrics.httpMiddleware());
  app.use(requestIdMiddleware);
  app.get(
    '/health',
    healthHandler(() => subgraphs, config.healthTimeoutMs, store ? { store: () => store.ping() } : {}),
  );
  app.get('/ready', readinessHandler(draining));
  app.get('/live', livenessHandler);
  app.get('/metrics', metrics.handler());
  mountRestEdge(app, config.restEdge.routes, {
    subgraphUrl: (name) => subgraphs.get(name),
    timeoutMs: config.restEdge.timeoutMs,
    log: log.child({ component: 'rest-edge' }),
    signer,
    rateLimit: rateLimit && {
      shared: rateLimit.limiter,
      webhooks: rateLimit.webhookLimiter,
      media: rateLimit.mediaLimiter,
    },
    apiKeys: deps.apiKeys && { apiKeys: deps.apiKeys, verifier },
  });
  if (mailbox && config.common.environment !== 'production') mountDevMailbox(app, mailbox);
  app.use(GRAPHQL_PATH, corsMiddleware(config));
  mountPlayground(app, GRAPHQL_PATH);
  const contextDeps = { verifier, log, rateLimiter: rateLimit?.limiter, apiKeys: deps.apiKeys };
  app.use(
    GRAPHQL_PATH,
    // express.json refuses a declared oversize body only once the body has arrived; this answers from the header.
    refuseDeclaredOversize(MAX_BODY_BYTES, 'operation'),
    continueIfExpected,
    express.json({ limit: MAX_BODY_BYTES }),
    persistedQueryChecks,
    expressMiddleware(apollo, { context: ({ req, res }) => createGatewayContext(req, res, contextDeps) }),
  );
  // A JSON 404 of our own: Express's default one replaces the security headers' CSP with its own.
  app.use((_req: Request, res: Response) => {
    res.status(404).json(routeErrorBody('No such route', 'NOT_FOUND'));
  });
  app.use(payloadTooLargeHandler, jsonErrorHandler);
}
