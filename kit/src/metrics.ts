import type { ApolloServerPlugin } from '@apollo/server';
import type { Request, RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Operation names come from clients: past this many distinct names, new ones count as "other". */
const MAX_OPERATION_LABELS = 500;
const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Prometheus metrics of one service; each service owns a registry (several share a process in embedded mode). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly operations: Counter<'operation' | 'type' | 'outcome'>;
  readonly operationDuration: Histogram<'operation' | 'type'>;

  private readonly operationNames = new Set<string>();
  /** What `graphql_subscriptions_open` adds up at each scrape: one reading per graphql-ws server. */
  private readonly subscriptionReadings = new Set<() => number>();

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [this.registry],
    });
    this.operations = new Counter({
      name: 'graphql_operations_total',
      help: 'GraphQL operations by name, type and outcome (ok or error)',
      labelNames: ['operation', 'type', 'outcome'],
      registers: [this.registry],
    });
    this.operationDuration = new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'GraphQL operation duration',
      labelNames: ['operation', 'type'],
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [this.registry],
    });
    const readings = this.subscriptionReadings;
    // Exported by every service (0 where none is served), so one query covers them all.
    new Gauge({
      name: 'graphql_subscriptions_open',
      help: 'GraphQL subscriptions followed over graphql-ws right now',
      registers: [this.registry],
      collect() {
        let open = 0;
        for (const read of readings) open += read();
        this.set(open);
      },
    });
  }

  /** Adds a graphql-ws server's reading to `graphql_subscriptions_open`; returns the function that takes it away. */
  readonly countSubscriptions = (read: () => number): (() => void) => {
    this.subscriptionReadings.add(read);
    return () => this.subscriptionReadings.delete(read);
  };

  /** A counter of the service's own on its registry. */
  counter<L extends string>(name: string, help: string, labelNames: L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** A value read when the metrics are scraped. */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** Times every HTTP request; the route label is the matched path, never the raw URL (bounded cardinality). */
  httpMiddleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.httpDuration.startTimer({ method: req.method });
      res.on('finish', () =>
        end({ route: matchedRoute(req) ?? (req.baseUrl || 'unmatched'), status: String(res.statusCode) }),
      );
      next();
    };
  }

  handler(): RequestHandler {
    return async (_req, res) => {
      res.setHeader('content-type', this.registry.contentType);
      res.end(await this.registry.metrics());
    };
  }

  private recordOperation(
    operationName: string | null | undefined,
    type: string | undefined,
    outcome: 'ok' | 'error',
    seconds: number,
  ): void {
    const labels = { operation: this.operationLabel(operationName), type: type ?? 'unknown' };
    this.operations.inc({ ...labels, outcome });
    this.operationDuration.observe(labels, seconds);
  }

  private operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_LABELS) return 'other';
    this.operationNames.add(name);
    return name;
  }

  apolloPlugin(): ApolloServerPlugin {
    return {
      requestDidStart: async () => {
        const startedAt = process.hrtime.bigint();
        return {
          willSendResponse: async ({ operationName, operation, errors }) => {
            this.recordOperation(
              operationName,
              operation?.operation,
              errors?.length ? 'error' : 'ok',
              Number(process.hrtime.bigint() - startedAt) / 1e9,
            );
          },
        };
      },
    };
  }
}

/** The path of the route a request matched, if any (Express types `req.route` as `any`). */
function matchedRoute(req: Request): string | undefined {
  const route: unknown = req.route;
  return typeof route === 'object' && route !== null && 'path' in route && typeof route.path === 'string'
    ? route.path
    : undefined;
}
