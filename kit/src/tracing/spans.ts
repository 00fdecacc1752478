import {
  Attributes,
  Context,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanOptions,
  SpanStatusCode,
  TextMapGetter,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import type { RequestHandler } from 'express';

/** The attribute naming the subgraph a span ran in (in the embedded mode every subgraph shares a process). */
export const SUBGRAPH_ATTRIBUTE = 'marketplace.subgraph';

/** The kit's own spans: events written, events handled, webhooks. */
export const kitTracer = () => trace.getTracer('@marketplace/kit');

/** A trace context as W3C Trace Context text, to keep with what outlives the request (an outbox row, a payment). */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

/** The active (or given) context as `traceparent`/`tracestate`; undefined when there is no trace (tracing disabled). */
export function traceCarrierOf(from: Context = context.active()): TraceCarrier | undefined {
  const carrier: Partial<TraceCarrier> = {};
  propagation.inject(from, carrier);
  return carrier.traceparent ? (carrier as TraceCarrier) : undefined;
}

/** Message headers may hold bytes (AMQP long strings); only text is read. */
const headerGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
  },
};

/** The context a stored or received carrier describes; a malformed one is ignored (a new trace starts). */
export function contextFromCarrier(carrier: Record<string, unknown> | null | undefined): Context {
  return carrier ? propagation.extract(ROOT_CONTEXT, carrier, headerGetter) : ROOT_CONTEXT;
}

/** Runs `work` in a new active span under `parent`, ending it (with the error, if any) when `work` settles. */
export function inSpan<T>(name: string, options: SpanOptions, parent: Context, work: (span: Span) => Promise<T>) {
  return kitTracer().startActiveSpan(name, options, parent, async (span): Promise<T> => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * The producer span of an event written to the outbox, under the active span (the request or
 * the event that caused it), ended at once: publishing happens later, from the relay. Its
 * context is what the event carries, so each consumer's span is its child.
 */
export function eventCreated(type: string, eventId: string, source: string): TraceCarrier | undefined {
  const span = kitTracer().startSpan(`create ${type}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.operation.type': 'create',
      'messaging.destination.name': type,
      'messaging.message.id': eventId,
      [SUBGRAPH_ATTRIBUTE]: source,
    },
  });
  const carrier = traceCarrierOf(trace.setSpan(context.active(), span));
  span.end();
  return carrier;
}

/** Handles one delivery in a consumer span whose parent is the context the message headers carry. */
export function inConsumerSpan<T>(
  delivery: { routingKey: string; headers?: Record<string, unknown> },
  subgraph: string,
  work: () => Promise<T>,
): Promise<T> {
  return inSpan(
    `process ${delivery.routingKey}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.operation.type': 'process',
        'messaging.destination.name': delivery.routingKey,
        'messaging.consumer.group.name': subgraph,
        [SUBGRAPH_ATTRIBUTE]: subgraph,
      },
    },
    contextFromCarrier(delivery.headers),
    work,
  );
}

/**
 * Runs `work` in a span continuing a stored trace (the request that began what this request
 * finishes: a payment's checkout for Stripe's webhook), linked to the active span (the request
 * at hand). Without a stored trace, the span is a child of the active one.
 */
export function inStoredTrace<T>(
  name: string,
  stored: TraceCarrier | undefined,
  attributes: Attributes,
  work: () => Promise<T>,
): Promise<T> {
  const current = trace.getActiveSpan()?.spanContext();
  const links = stored && current ? [{ context: current }] : [];
  return inSpan(name, { attributes, links }, stored ? contextFromCarrier({ ...stored }) : context.active(), work);
}

/** Names the subgraph on the HTTP server span of each request (the span instrumentation-http made). */
export function subgraphSpanMiddleware(subgraph: string): RequestHandler {
  return (_req, _res, next) => {
    trace.getActiveSpan()?.setAttribute(SUBGRAPH_ATTRIBUTE, subgraph);
    next();
  };
}
