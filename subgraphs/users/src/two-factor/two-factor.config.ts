import { ConfigError, EnvReader, readArtifactExchangeConfig, readMailConfig } from '@marketplace/kit';

/** Settings of two-factor authentication, read when the users subgraph is wired. */
export interface TwoFactorConfig {
  /**
   * Key that seals TOTP secrets and keys the recovery codes' hashes: `TWO_FACTOR_ENCRYPTION_KEY`
   * (32+ bytes, hex or base64), else derived from `URL_SIGNING_SECRET` (see SecretBox).
   */
  masterKey: Buffer;
  /** The name authenticator apps show next to the account (`APP_NAME`). */
  issuer: string;
  challengeTtlSeconds: number;
  /** Codes one challenge takes before it is spent. */
  attemptsPerChallenge: number;
  /** Wrong codes per user before each further one doubles the wait (up to `failureWindowMs`). */
  freeFailuresPerUser: number;
  backoffBaseSeconds: number;
  failureWindowMs: number;
}

const MIN_KEY_BYTES = 32;
const HOUR_MS = 3_600_000;

export function readTwoFactorConfig(env: EnvReader): TwoFactorConfig {
  return {
    masterKey: masterKeyFrom(env),
    issuer: readMailConfig(env).appName,
    challengeTtlSeconds: env.int('TWO_FACTOR_CHALLENGE_TTL_SECONDS', 300, { min: 30, max: 1800 }),
    attemptsPerChallenge: env.int('TWO_FACTOR_ATTEMPTS_PER_CHALLENGE', 5, { min: 1, max: 20 }),
    freeFailuresPerUser: env.int('TWO_FACTOR_FREE_FAILURES_PER_USER', 5, { min: 1, max: 50 }),
    backoffBaseSeconds: env.int('TWO_FACTOR_BACKOFF_BASE_SECONDS', 60, { min: 1 }),
    failureWindowMs: env.int('TWO_FACTOR_FAILURE_WINDOW_HOURS', 24, { min: 1, max: 24 * 30 }) * HOUR_MS,
  };
}

function masterKeyFrom(env: EnvReader): Buffer {
  const configured = env.optionalString('TWO_FACTOR_ENCRYPTION_KEY');
  if (configured === undefined) return readArtifactExchangeConfig(env).urlSigningSecret;
  const key = /^[0-9a-f]+$/i.test(configured) ? Buffer.from(configured, 'hex') : Buffer.from(configured, 'base64');
  if (key.length < MIN_KEY_BYTES)
    throw new ConfigError('TWO_FACTOR_ENCRYPTION_KEY', `must be at least ${MIN_KEY_BYTES} bytes (hex or base64)`);
  return key;
}
