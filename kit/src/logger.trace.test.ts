import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { createLogger } from './logger';
import { SpanRecorder, recordSpans } from './tracing/testing';

function capture(pretty: boolean) {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: createLogger({ name: 'orders', destination, pretty }), text: () => chunks.join('') };
}

describe('log lines and traces', () => {
  let recorder: SpanRecorder;
  beforeAll(() => {
    recorder = recordSpans();
  });
  afterAll(() => recorder.stop());

  it('carries the trace and span id of the active span, and none outside a trace', () => {
    const { log, text } = capture(false);
    const ids = trace.getTracer('test').startActiveSpan('request', (span) => {
      log.info('inside');
      span.end();
      return span.spanContext();
    });
    log.info('outside');
    const [inside, outside] = text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(inside).toMatchObject({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId, service: 'orders' });
    expect(outside.msg).toBe('outside');
    expect(outside).not.toHaveProperty('trace_id');
  });

  it('writes one readable line per record when pretty, with the trace id and secrets redacted', async () => {
    const { log, text } = capture(true);
    const traceId = trace.getTracer('test').startActiveSpan('request', (span) => {
      log.info({ operationName: 'Checkout', password: 'hunter2', durationMs: 12.5 }, 'graphql operation');
      span.end();
      return span.spanContext().traceId;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(() => JSON.parse(lines[0])).toThrow();
    expect(lines[0]).toMatch(/INFO.*orders graphql operation/);
    expect(lines[0]).toContain(`"trace_id":"${traceId}"`);
    expect(lines[0]).toContain('"operationName":"Checkout"');
    expect(lines[0]).not.toContain('"service"');
    expect(lines[0]).not.toContain('hunter2');
  });

  it('writes JSON lines unless asked for pretty lines', () => {
    const { log, text } = capture(false);
    log.info({ durationMs: 3 }, 'plain');
    expect(JSON.parse(text())).toMatchObject({ msg: 'plain', durationMs: 3, level: 'info' });
  });
});
