import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export type { Logger };

/**
 * Paths that may hold a secret anywhere in a log record. Logs are structured JSON;
 * these are replaced by "[redacted]" before a line is written.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'currentPassword',
  '*.currentPassword',
  'newPassword',
  '*.newPassword',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  // Vendors' API keys: the gateway sends one to the users subgraph in this header; createApiKey answers one as `secret`.
  'headers["x-api-key"]',
  'req.headers["x-api-key"]',
  'secret',
  '*.secret',
  'variables.*',
  // Signed license keys travel in order.licensed (the receipt mail shows them).
  'licenseKey',
  '*.licenseKey',
  '*.licenses[*].licenseKey',
  '*.*.licenses[*].licenseKey',
];

export interface LoggerOptions {
  name: string;
  level?: string;
  destination?: pino.DestinationStream;
  /** One readable line per record instead of JSON; by default when the output is stdout and a terminal. */
  pretty?: boolean;
}

/**
 * Structured logs (pino): JSON for collectors, or, in a terminal, one readable line per
 * record (pino-pretty, in-process). Every record written inside a trace carries its
 * `trace_id` and `span_id`, so a line leads to the trace and a trace to its lines.
 */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      base: { service: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      mixin: activeTraceIds,
    },
    pretty ? prettyStream(options.destination) : options.destination,
  );
}

/** The ids of the active span, when there is a trace (tracing is on unless OTEL_SDK_DISABLED). */
function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const ids = span.spanContext();
  return isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
}

function prettyStream(destination: pino.DestinationStream | undefined): pino.DestinationStream {
  return pinoPretty({
    destination: destination ?? 1,
    colorize: destination === undefined,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name,service,span_id',
    messageFormat: '{service} {msg}',
    sync: destination === undefined,
  });
}
