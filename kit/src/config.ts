import { DEFAULT_POOL_SIZE } from './data/database';
import { QUEUE_TYPES, QueueType } from './events/amqp-transport';
import { BACKLOG_REPORT_INTERVAL_MS } from './events/backlog';
import { OperationShapeLimits, readOperationLimits } from './server/operation-limits';

/**
 * Configuration is read from the environment once, at start-up, and validated.
 * A missing or malformed setting stops the process with one line naming the variable.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    // One line whatever the offending value holds, so the message stays one log line.
    super(`config: ${variable} ${problem}`.replace(/\r/g, '\\r').replace(/\n/g, '\\n'));
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export interface EnvReader {
  string(name: string, fallback?: string): string;
  optionalString(name: string): string | undefined;
  int(name: string, fallback: number, range?: { min?: number; max?: number }): number;
  port(name: string, fallback: number): number;
  url(name: string, protocols: string[]): string | undefined;
  bool(name: string, fallback: boolean): boolean;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  list(name: string, fallback: string[]): string[];
}

export function envReader(env: Env = process.env): EnvReader {
  const raw = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const reader: EnvReader = {
    string(name, fallback) {
      const value = raw(name) ?? fallback;
      if (value === undefined) throw new ConfigError(name, 'is required but not set');
      return value;
    },
    optionalString: raw,
    int(name, fallback, range = {}) {
      const value = raw(name);
      if (value === undefined) return fallback;
      const parsed = Number(value);
      const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
      if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
        throw new ConfigError(name, `must be an integer between ${min} and ${max} (got "${value}")`);
      }
      return parsed;
    },
    port(name, fallback) {
      return reader.int(name, fallback, { min: 0, max: 65535 });
    },
    url(name, protocols) {
      const value = raw(name);
      if (value === undefined) return undefined;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new ConfigError(name, `must be a URL (got "${redactUrl(value)}")`);
      }
      if (!protocols.includes(url.protocol.replace(/:$/, ''))) {
        throw new ConfigError(name, `must use ${protocols.join(' or ')}:// (got "${url.protocol}//")`);
      }
      return value;
    },
    bool(name, fallback) {
      const value = raw(name)?.toLowerCase();
      if (value === undefined) return fallback;
      if (['1', 'true', 'yes', 'on'].includes(value)) return true;
      if (['0', 'false', 'no', 'off'].includes(value)) return false;
      throw new ConfigError(name, `must be true or false (got "${value}")`);
    },
    oneOf(name, allowed, fallback) {
      const value = raw(name) ?? fallback;
      if (!allowed.includes(value as never)) {
        throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
      }
      return value as (typeof allowed)[number];
    },
    list(name, fallback) {
      const value = raw(name);
      return value === undefined
        ? fallback
        : value
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean);
    },
  };
  return reader;
}

/**
 * Hides the password of a connection string so it can be printed. The user may be empty
 * (`redis://:secret@host`) and the password may hold a raw `@`: everything up to the last
 * `@` of the authority is hidden.
 */
export function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]*):([^/]*)@/, '//$1:***@');
}

/** Settings every process of the supergraph shares. */
export interface CommonConfig {
  environment: 'development' | 'test' | 'production';
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Postgres connection string; unset means embedded Postgres (only `npm start` provides one). */
  databaseUrl: string | undefined;
  /** Postgres connections each subgraph process may hold; every process also holds one for its outbox relay, and all of them share Postgres's `max_connections`. */
  databasePoolSize: number;
  redisUrl: string | undefined;
  /** Prefix of every Redis key, so several deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  /** Where every process reads users' session versions (`SESSION_KEY_PREFIX`, default `<REDIS_KEY_PREFIX>:sessions`). */
  sessionKeyPrefix: string;
  amqpUrl: string | undefined;
  /** Folder for generated development state: embedded Postgres, dev keys. */
  dataDir: string;
  events: EventSettings;
  jwt: {
    publicKeyPem: string | undefined;
    privateKeyPem: string | undefined;
    issuer: string;
    audience: string;
    /** `ADMIN_REQUIRE_TWO_FACTOR`: admin-only operations need a session signed in with a second factor. */
    adminRequiresSecondFactor: boolean;
  };
  /** Unexpected errors' messages reach the client (development only, `EXPOSE_INTERNAL_ERRORS=true`). */
  exposeInternalErrors: boolean;
  /** The gateway signs what it forwards to subgraphs with it (`SUBGRAPH_SIGNING_SECRET`); unset: generated outside production. */
  subgraphSigningSecret: string | undefined;
  /** Depth, aliases, directives and tokens of one operation: checked by the gateway and by every subgraph port alike. */
  operationLimits: OperationShapeLimits;
  /** What a subgraph does with its migrations at start (`DATABASE_MIGRATIONS`). */
  databaseMigrations: DatabaseMigrations;
}

/**
 * `apply` (default): migrate at start, under an advisory lock, so replicas starting together migrate once.
 * `verify`: refuse to start while a migration is pending (a deployment whose migration Job runs first; the
 * service's database role then needs no DDL rights). `only`: migrate, then exit (the migration Job itself).
 */
export const DATABASE_MIGRATIONS = ['apply', 'verify', 'only'] as const;
export type DatabaseMigrations = (typeof DATABASE_MIGRATIONS)[number];

/** The event backbone's settings (ARCHITECTURE §4). */
export interface EventSettings {
  exchange: string;
  deadLetterExchange: string;
  queuePrefix: string;
  /** Tests: exchanges auto-delete and queues expire, so a shared broker is left clean. */
  temporary: boolean;
  /** `EVENTS_QUEUE_TYPE`: `quorum` for replicated queues on a RabbitMQ cluster. */
  queueType: QueueType;
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  prefetch: number;
  outboxBatchSize: number;
  outboxPollMs: number;
  /** How often the subgraph reports its outbox backlog to the operator's board (`EVENTS_BACKLOG_REPORT_MS`). */
  backlogReportMs: number;
}

export function readCommonConfig(env: EnvReader = envReader()): CommonConfig {
  const environment = env.oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const redisKeyPrefix = env.string('REDIS_KEY_PREFIX', 'marketplace');
  return {
    environment,
    logLevel: env.oneOf('LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'info'),
    databaseUrl: env.url('DATABASE_URL', ['postgres', 'postgresql']),
    databasePoolSize: env.int('DATABASE_POOL_SIZE', DEFAULT_POOL_SIZE, { min: 1, max: 1_000 }),
    redisUrl: env.url('REDIS_URL', ['redis', 'rediss']),
    redisKeyPrefix,
    sessionKeyPrefix: env.string('SESSION_KEY_PREFIX', `${redisKeyPrefix}:sessions`),
    amqpUrl: env.url('AMQP_URL', ['amqp', 'amqps']),
    dataDir: env.string('DATA_DIR', '.data'),
    events: {
      exchange: env.string('EVENTS_EXCHANGE', 'marketplace.events'),
      deadLetterExchange: env.string('EVENTS_DLX', 'marketplace.dlx'),
      queuePrefix: env.string('EVENTS_QUEUE_PREFIX', ''),
      temporary: env.bool('EVENTS_TEMPORARY_TOPOLOGY', false),
      queueType: env.oneOf('EVENTS_QUEUE_TYPE', QUEUE_TYPES, 'classic'),
      maxAttempts: env.int('EVENTS_MAX_ATTEMPTS', 5, { min: 1, max: 100 }),
      retryBaseDelayMs: env.int('EVENTS_RETRY_BASE_MS', 200, { min: 1, max: 60_000 }),
      retryMaxDelayMs: env.int('EVENTS_RETRY_MAX_MS', 5_000, { min: 1, max: 600_000 }),
      prefetch: env.int('EVENTS_PREFETCH', 16, { min: 1, max: 1_000 }),
      outboxBatchSize: env.int('OUTBOX_BATCH_SIZE', 100, { min: 1, max: 10_000 }),
      outboxPollMs: env.int('OUTBOX_POLL_MS', 1_000, { min: 10, max: 60_000 }),
      backlogReportMs: env.int('EVENTS_BACKLOG_REPORT_MS', BACKLOG_REPORT_INTERVAL_MS, { min: 100, max: 600_000 }),
    },
    jwt: {
      publicKeyPem: pemFromEnv(env, 'JWT_PUBLIC_KEY'),
      privateKeyPem: pemFromEnv(env, 'JWT_PRIVATE_KEY'),
      issuer: env.string('JWT_ISSUER', 'marketplace-users'),
      audience: env.string('JWT_AUDIENCE', 'marketplace'),
      // On in production; off elsewhere, so the seeded demo admin works in development and tests.
      adminRequiresSecondFactor: env.bool('ADMIN_REQUIRE_TWO_FACTOR', environment === 'production'),
    },
    exposeInternalErrors: environment === 'development' && env.bool('EXPOSE_INTERNAL_ERRORS', false),
    subgraphSigningSecret: signingSecretFromEnv(env, 'SUBGRAPH_SIGNING_SECRET'),
    operationLimits: readOperationLimits(env),
    databaseMigrations: env.oneOf('DATABASE_MIGRATIONS', DATABASE_MIGRATIONS, 'apply'),
  };
}

/** The least an HMAC-SHA256 secret may hold: no shorter than the MAC itself. */
const HMAC_SECRET_MIN_BYTES = 32;

/** A shared HMAC secret, used as its UTF-8 bytes (as Hive Gateway does), at least 32 of them. */
function signingSecretFromEnv(env: EnvReader, name: string): string | undefined {
  const value = env.optionalString(name);
  if (value !== undefined && Buffer.byteLength(value, 'utf8') < HMAC_SECRET_MIN_BYTES) {
    throw new ConfigError(name, `must be at least ${HMAC_SECRET_MIN_BYTES} bytes`);
  }
  return value;
}

/** PEM keys arrive in env files with literal "\n"; accept both forms. */
function pemFromEnv(env: EnvReader, name: string): string | undefined {
  const value = env.optionalString(name)?.replace(/\\n/g, '\n');
  if (value !== undefined && !value.includes('-----BEGIN')) {
    throw new ConfigError(name, 'must be a PEM-encoded key');
  }
  return value;
}
