import pino, { Logger } from 'pino';

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
  'variables.*',
  // Signed license keys travel in order.licensed (the receipt mail shows them).
  'licenseKey',
  '*.licenseKey',
  '*.licenses[*].licenseKey',
  '*.*.licenses[*].licenseKey',
];

export function createLogger(options: { name: string; level?: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      base: { service: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
}
