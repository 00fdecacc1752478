import { SpanKind, trace } from '@opentelemetry/api';
import { TestDatabase, createTestDatabase, isolatedInfrastructure, LogCapture } from '../testing';
import { SUBGRAPH_ATTRIBUTE } from '../tracing/spans';
import { SpanRecorder, recordSpans } from '../tracing/testing';
import { eventHandler } from './consumer';
import { EventNode, ProbeFollowed, ProbeHappened, eventually, startEventNode } from './testing';

/** The trace crosses the outbox and the broker, over every transport configured here (RabbitMQ when AMQP_URL is set). */
const transports: [string, Record<string, string>][] = [['in-process', { AMQP_URL: '' }]];
if (process.env.AMQP_URL) transports.push(['rabbitmq', { AMQP_URL: process.env.AMQP_URL }]);

describe.each(transports)('trace context of events over %s', (label, transportEnv) => {
  let database: TestDatabase;
  let recorder: SpanRecorder;
  const nodes: EventNode[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    recorder = recordSpans();
  });
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await recorder.stop();
    await database.drop();
  });

  it("continues the writer's trace: the consumer's span is the child of the event's producer span", async () => {
    const env = { ...isolatedInfrastructure(`${database.name}_${label}`), OUTBOX_POLL_MS: '50', ...transportEnv };
    const logs = new LogCapture();
    const consumer = await startEventNode({
      name: 'traced_consumer',
      databaseUrl: database.url,
      env,
      logDestination: logs,
      handlers: [
        eventHandler('follow', ProbeHappened, async (event, { emit }) => {
          await emit(ProbeFollowed, { n: event.payload.n }, event.aggregateId);
        }),
      ],
    });
    const producer = await startEventNode({ name: 'traced_producer', databaseUrl: database.url, env });
    nodes.push(consumer, producer);

    const request = await trace.getTracer('test').startActiveSpan('checkout request', async (span) => {
      await producer.db.transaction((manager) =>
        producer.backbone.outbox.record(
          manager,
          ProbeHappened,
          { aggregate: 'a-1', n: 1 },
          {
            aggregateId: 'a-1',
            correlationId: 'corr-trace',
          },
        ),
      );
      span.end();
      return span.spanContext();
    });
    // The consumer's span ends after its transaction commits, later than the follow-up's producer span.
    const finished = (name: string) =>
      recorder.spans().some((span) => span.name === name && span.spanContext().traceId === request.traceId);
    await eventually(async () => finished('create probe.followed') && finished('process probe.happened'));

    const inTrace = recorder.spans().filter((span) => span.spanContext().traceId === request.traceId);
    const named = (name: string) => inTrace.find((span) => span.name === name)!;
    const created = named('create probe.happened');
    const processed = named('process probe.happened');
    const followed = named('create probe.followed');
    expect(created.kind).toBe(SpanKind.PRODUCER);
    expect(created.parentSpanContext?.spanId).toBe(request.spanId);
    expect(created.attributes[SUBGRAPH_ATTRIBUTE]).toBe('traced_producer');
    expect(processed.kind).toBe(SpanKind.CONSUMER);
    expect(processed.parentSpanContext?.spanId).toBe(created.spanContext().spanId);
    expect(processed.attributes[SUBGRAPH_ATTRIBUTE]).toBe('traced_consumer');
    // The follow-up event continues the same trace, from the consumer's span.
    expect(followed.parentSpanContext?.spanId).toBe(processed.spanContext().spanId);
    // The handler's log line carries the trace id.
    const handled = logs.records().find((record) => record.msg === 'event handled');
    expect(handled).toMatchObject({ trace_id: request.traceId, span_id: processed.spanContext().spanId });
  });
});
