import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { envDetector, detectResources, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  SpanExporter,
  SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type * as OtlpJson from '@opentelemetry/exporter-trace-otlp-http';
import type * as OtlpProto from '@opentelemetry/exporter-trace-otlp-proto';
import type { Tracing } from './lifecycle';

/** Requests no one needs a span for: probes and scrapes, many a minute. */
const UNTRACED_PATHS = /^\/(health|ready|metrics)(\?|$)/;

/**
 * Tracing for one process, from the standard OpenTelemetry variables. W3C `traceparent` is
 * always read and passed on, and every request and event has a trace id (the logs print
 * it), but spans are recorded and exported only when an exporter is asked for:
 * `OTEL_TRACES_EXPORTER=otlp|console`, or an `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT`. Unlike
 * the specification's default (`otlp`), nothing is sent anywhere unless configured.
 * `OTEL_SDK_DISABLED=true` turns all of it off (no ids either).
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const exporters = exportersFrom(env);
  const provider = new NodeTracerProvider({
    resource: resourceFrom(),
    // Without an exporter, spans stay non-recording: the ids propagate, nothing is buffered.
    ...(exporters.length === 0 ? { sampler: new AlwaysOffSampler() } : {}),
    spanProcessors: exporters.map((exporter): SpanProcessor => new BatchSpanProcessor(exporter)),
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const http = new HttpInstrumentation({
    ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
    requireParentforOutgoingSpans: true,
  });
  registerInstrumentations({
    tracerProvider: provider,
    // Ids need only the HTTP hops; spans no one records need no GraphQL or SQL detail.
    instrumentations:
      exporters.length === 0
        ? [http]
        : [
            http,
            // Queries inside a request or an event only: the relay's polling would be a trace per second.
            new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
            // Root fields and the entities under them; a field that only reads a property has no span.
            new GraphQLInstrumentation({ depth: 2, ignoreTrivialResolveSpans: true, mergeItems: true }),
          ],
  });
  return { exporting: exporters.length > 0, shutdown: () => provider.shutdown() };
}

/** The exporters `OTEL_TRACES_EXPORTER` names; unset, OTLP when an OTLP endpoint is set, else none. */
function exportersFrom(env: NodeJS.ProcessEnv): SpanExporter[] {
  const named = env.OTEL_TRACES_EXPORTER?.trim();
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const names = named ? named.split(',').map((name) => name.trim().toLowerCase()) : endpoint ? ['otlp'] : [];
  return names
    .filter((name) => name !== 'none')
    .map((name) => {
      if (name === 'otlp') return otlpExporter(env);
      if (name === 'console') return new ConsoleSpanExporter();
      throw new Error(`OTEL_TRACES_EXPORTER: "${name}" is not supported here (otlp, console or none)`);
    });
}

/** The OTLP exporter of `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL`; it reads its endpoint, headers and timeout itself. */
function otlpExporter(env: NodeJS.ProcessEnv): SpanExporter {
  const protocol = (
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() ||
    env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() ||
    'http/protobuf'
  ).toLowerCase();
  // Required on demand (~150 ms of start-up): a process that exports nothing never loads either.
  if (protocol === 'http/protobuf') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const proto = require('@opentelemetry/exporter-trace-otlp-proto') as typeof OtlpProto;
    return new proto.OTLPTraceExporter();
  }
  if (protocol === 'http/json') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const json = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpJson;
    return new json.OTLPTraceExporter();
  }
  throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not supported here (http/protobuf or http/json)`);
}

/** `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` when set; else the service is named after the program started. */
function resourceFrom() {
  const fallback = resourceFromAttributes({ [ATTR_SERVICE_NAME]: defaultServiceName(require.main?.filename) });
  return fallback.merge(detectResources({ detectors: [envDetector] }));
}

/**
 * The package of the program started, without its scope (`orders`, `gateway`); `marketplace`
 * for the embedded start script, which runs every subgraph and the gateway in one process.
 */
export function defaultServiceName(mainFile: string | undefined): string {
  for (let dir = mainFile ? dirname(mainFile) : ''; dir && dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const name = String((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name ?? '');
    const bare = name.replace(/^@marketplace\//, '');
    return bare === 'scripts' ? 'marketplace' : bare || 'marketplace';
  }
  return 'marketplace';
}
