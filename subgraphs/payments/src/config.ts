import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, EnvReader, readCommonConfig, writeOnce } from '@marketplace/kit';

/** Where the Stripe SDK sends its API calls when not to api.stripe.com (a Stripe-compatible mock). */
export interface StripeApiBase {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

/** Settings of the payments subgraph, read and checked once at start-up. */
export interface PaymentsConfig {
  /** Set → Stripe mode; unset → the local provider records intents itself. */
  stripeSecretKey: string | undefined;
  stripeApiBase: StripeApiBase | undefined;
  /** Key of the HMAC in `Stripe-Signature` (`whsec_…`). */
  webhookSecret: string;
  /** Oldest signature timestamp accepted, against replays. */
  webhookToleranceSeconds: number;
  /** Where simulated and local events are delivered; unset → this subgraph's own endpoint. */
  webhookUrl: string | undefined;
  /** `production`: the dev-only simulation is refused. */
  production: boolean;
  /**
   * `simulatePayment` answers (PAYMENT_SIMULATION_ENABLED=true): off unless asked for, and
   * never with real Stripe or in production, where it would mark orders paid for free.
   */
  simulationEnabled: boolean;
}

export function readPaymentsConfig(env: EnvReader): PaymentsConfig {
  const common = readCommonConfig(env);
  const stripeSecretKey = env.optionalString('STRIPE_SECRET_KEY');
  if (stripeSecretKey !== undefined && !/^(sk|rk)_[A-Za-z0-9_]+$/.test(stripeSecretKey)) {
    throw new ConfigError('STRIPE_SECRET_KEY', 'must be a Stripe secret or restricted key (sk_… or rk_…)');
  }
  const apiBase = env.url('STRIPE_API_BASE', ['http', 'https']);
  if (apiBase !== undefined && stripeSecretKey === undefined) {
    throw new ConfigError('STRIPE_API_BASE', 'is set but STRIPE_SECRET_KEY is not (the local provider calls no API)');
  }
  const production = common.environment === 'production';
  const simulationEnabled = env.bool('PAYMENT_SIMULATION_ENABLED', false);
  if (simulationEnabled && production)
    throw new ConfigError('PAYMENT_SIMULATION_ENABLED', 'must not be true in production (it pays orders for free)');
  // The local provider is the development stand-in for Stripe: its payments (provider LOCAL) are
  // not part of the production API (docs/api-conventions.md §9).
  if (production && stripeSecretKey === undefined)
    throw new ConfigError('STRIPE_SECRET_KEY', 'is required in production (the local provider is for development)');
  if (simulationEnabled && stripeSecretKey !== undefined)
    throw new ConfigError(
      'PAYMENT_SIMULATION_ENABLED',
      'must not be true with STRIPE_SECRET_KEY (Stripe sends the real events; a simulation would forge them)',
    );
  return {
    stripeSecretKey,
    stripeApiBase: apiBase === undefined ? undefined : parseApiBase(apiBase),
    webhookSecret: webhookSecret(env, stripeSecretKey !== undefined, production, common.dataDir),
    webhookToleranceSeconds: env.int('STRIPE_WEBHOOK_TOLERANCE_SECONDS', 300, { min: 1, max: 24 * 3600 }),
    webhookUrl: env.url('STRIPE_WEBHOOK_URL', ['http', 'https']),
    production,
    simulationEnabled,
  };
}

function parseApiBase(value: string): StripeApiBase {
  const url = new URL(value);
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80, protocol };
}

/**
 * Stripe signs with the secret of the configured endpoint, so with a real key it must be
 * given. Locally the simulation signs and verifies with one generated secret, kept in
 * DATA_DIR so the CLI (another process) signs with the same one.
 */
function webhookSecret(env: EnvReader, stripeMode: boolean, production: boolean, dataDir: string): string {
  const configured = env.optionalString('STRIPE_WEBHOOK_SECRET');
  if (configured !== undefined) {
    if (!/^whsec_\S+$/.test(configured))
      throw new ConfigError('STRIPE_WEBHOOK_SECRET', 'must be a Stripe webhook signing secret (whsec_…)');
    return configured;
  }
  if (stripeMode) throw new ConfigError('STRIPE_WEBHOOK_SECRET', 'is required when STRIPE_SECRET_KEY is set');
  if (production)
    throw new ConfigError(
      'STRIPE_WEBHOOK_SECRET',
      'is required in production (a generated secret is for development only)',
    );
  const path = join(dataDir, 'keys', 'stripe-webhook-secret');
  if (!existsSync(path)) writeOnce(path, `whsec_${randomBytes(32).toString('base64url')}`, 0o600);
  return readFileSync(path, 'utf8').trim();
}
