import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';

export interface SpanRecorder {
  spans(): ReadableSpan[];
  /** Unregisters the provider, so the next test file starts without tracing. */
  stop(): Promise<void>;
}

/**
 * Registers a tracer provider that keeps every finished span in memory, with the context
 * manager and W3C propagation the real setup registers (instrumentations are not: Jest's
 * module registry bypasses the require hooks they patch through).
 */
export function recordSpans(): SpanRecorder {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    spans: () => exporter.getFinishedSpans(),
    async stop() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
