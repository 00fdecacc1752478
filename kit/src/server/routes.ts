import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { Express } from 'express';
import { RequestContext, createRequestContext } from '../context';
import { jsonErrorHandler } from '../http/express';
import type { Metrics } from '../metrics';
import { subgraphSpanMiddleware } from '../tracing/spans';
import { gatewaySignatureMiddleware, signedByGateway } from './gateway-identity';
import type { RequestContextDeps } from './graphql-server';
import { tokenLimitMiddleware } from './operation-limits-plugin';
import { readinessChecks } from './readiness';

/**
 * The Express app the HTTP server serves, timing every request and naming the subgraph on its
 * trace span; routes are mounted once Apollo Server has started.
 */
export function buildSubgraphApp(metrics: Metrics, name: string): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(metrics.httpMiddleware());
  app.use(subgraphSpanMiddleware(name));
  return app;
}

export interface SubgraphRouteDeps {
  name: string;
  apollo: ApolloServer<RequestContext>;
  metrics: Metrics;
  /** `/ready` reports each of these. */
  readiness: Record<string, () => Promise<unknown>>;
  /** The subgraph's own REST routes; mounted before `/graphql`. */
  routes?: (app: Express) => void;
  context: RequestContextDeps;
  /** Unsigned GraphQL requests over it are refused before parsing (the rest of the limits: operationLimitsPlugin). */
  maxTokens: number;
}

/**
 * `/health` (the process answers), `/ready` (its connections answer), `/metrics`; then the
 * gateway's signatures are checked (GraphQL bodies parsed first, as the body is signed),
 * then the subgraph's own routes, then GraphQL (unsigned documents over the token limit refused first).
 */
export function mountSubgraphRoutes(app: Express, deps: SubgraphRouteDeps): void {
  app.get('/health', (_req, res) => void res.json({ status: 'ok', service: deps.name }));
  app.get('/ready', async (_req, res) => {
    const checks = await readinessChecks(deps.readiness);
    res.status(checks.ready ? 200 : 503).json({ service: deps.name, ...checks });
  });
  app.get('/metrics', deps.metrics.handler());
  app.use('/graphql', express.json({ limit: '1mb' }));
  app.use(gatewaySignatureMiddleware(deps.context.signer, deps.context.log));
  deps.routes?.(app);
  app.use(
    '/graphql',
    tokenLimitMiddleware(deps.maxTokens, deps.context.log),
    expressMiddleware(deps.apollo, {
      context: async ({ req, res }) =>
        createRequestContext(
          { headers: req.headers, remoteAddress: req.socket.remoteAddress, signedByGateway: signedByGateway(res) },
          deps.context,
        ),
    }),
  );
  app.use(jsonErrorHandler);
}
