import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OtlpReceiver } from '../testing/otlp-receiver';

/**
 * Tracing is off unless configured: with no OTEL_* variable (or only ones that do not name
 * an exporter) nothing reaches the OTLP default endpoint, yet requests still get the caller's
 * trace id in their log lines; OTEL_SDK_DISABLED=true turns off the ids too. The receiver
 * listens where the specification's default endpoint is (localhost:4318), and a probe told
 * to export there proves it would have seen the traffic.
 */
const DEFAULT_OTLP_PORT = 4318;
const PROBE = join(__dirname, '..', 'testing', 'traced-probe.js');

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await OtlpReceiver.start(DEFAULT_OTLP_PORT);
});
afterAll(() => receiver.close());

/** Runs the probe with `env` instead of this process's OTEL_* variables; its JSON log records. */
async function probe(env: Record<string, string>) {
  const traceId = randomBytes(16).toString('hex');
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  const { stdout } = await promisify(execFile)(process.execPath, [PROBE, `00-${traceId}-${'1'.repeat(16)}-01`], {
    env: { ...inherited, OTEL_BSP_SCHEDULE_DELAY: '50', ...env },
  });
  const records = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { traceId, handled: records.find((record) => record.msg === 'probe request handled')! };
}

it('exports nothing by default, while the log lines still carry the caller’s trace id', async () => {
  const unexported: Record<string, string>[] = [
    {},
    { OTEL_SERVICE_NAME: 'probe', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
  ];
  for (const env of unexported) {
    const { traceId, handled } = await probe(env);
    expect(handled.trace_id).toBe(traceId);
  }
  expect(receiver.requests).toBe(0);

  // The same probe, told to export with the specification's default endpoint, is heard,
  // named after its package when OTEL_SERVICE_NAME does not say.
  const { traceId } = await probe({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
  expect(receiver.trace(traceId).map((span) => span.service)).toEqual(['e2e']);
  const named = await probe({
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_SERVICE_NAME: 'probe',
  });
  expect(receiver.trace(named.traceId).map((span) => span.service)).toEqual(['probe']);
});

it('OTEL_SDK_DISABLED=true turns tracing off altogether, exporters named or not', async () => {
  const before = receiver.requests;
  const { handled } = await probe({
    OTEL_SDK_DISABLED: 'true',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  });
  expect(handled).toBeDefined();
  expect(handled).not.toHaveProperty('trace_id');
  expect(receiver.requests).toBe(before);
});

it('stops a program whose tracing settings it cannot honour, with one line naming the variable', async () => {
  const run = promisify(execFile)(process.execPath, [PROBE, ''], {
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
  });
  await expect(run).rejects.toMatchObject({
    code: 1,
    stderr: 'tracing: OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported here (http/protobuf or http/json)\n',
  });
});
