import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, envReader } from '@marketplace/kit';
import { temporaryDirectories } from '@marketplace/kit/testing';
import { readPaymentsConfig } from './config';

const dataDir = temporaryDirectories('payments-config-');
const read = (env: Record<string, string>) => readPaymentsConfig(envReader({ DATA_DIR: dataDir(), ...env }));

describe('readPaymentsConfig', () => {
  it('without Stripe keys: local mode, a generated whsec_ secret kept in DATA_DIR/keys, tolerance 300 s', () => {
    const dir = dataDir();
    const first = readPaymentsConfig(envReader({ DATA_DIR: dir }));
    expect(first).toMatchObject({
      stripeSecretKey: undefined,
      stripeApiBase: undefined,
      webhookToleranceSeconds: 300,
      webhookUrl: undefined,
      production: false,
      // The simulation pays orders for free: off unless asked for, even in development.
      simulationEnabled: false,
    });
    expect(first.webhookSecret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
    expect(readFileSync(join(dir, 'keys', 'stripe-webhook-secret'), 'utf8')).toBe(first.webhookSecret);
    // Another process (the CLI) reads the same secret.
    expect(readPaymentsConfig(envReader({ DATA_DIR: dir })).webhookSecret).toBe(first.webhookSecret);
  });

  it('with Stripe keys: Stripe mode, the API base split for the SDK, nothing generated', () => {
    const dir = dataDir();
    const config = readPaymentsConfig(
      envReader({
        DATA_DIR: dir,
        STRIPE_SECRET_KEY: 'sk_test_abc123',
        STRIPE_WEBHOOK_SECRET: 'whsec_configured',
        STRIPE_API_BASE: 'http://127.0.0.1:12111',
        STRIPE_WEBHOOK_TOLERANCE_SECONDS: '60',
        STRIPE_WEBHOOK_URL: 'https://example.test/webhooks/stripe',
      }),
    );
    expect(config).toEqual({
      stripeSecretKey: 'sk_test_abc123',
      stripeApiBase: { host: '127.0.0.1', port: 12111, protocol: 'http' },
      webhookSecret: 'whsec_configured',
      webhookToleranceSeconds: 60,
      webhookUrl: 'https://example.test/webhooks/stripe',
      production: false,
      simulationEnabled: false,
    });
    expect(existsSync(join(dir, 'keys', 'stripe-webhook-secret'))).toBe(false);
  });

  it('in production: Stripe mode only (the local provider is for development), no simulation, nothing generated', () => {
    const dir = dataDir();
    const production = { DATA_DIR: dir, NODE_ENV: 'production', STRIPE_WEBHOOK_SECRET: 'whsec_configured' };
    expect(() => readPaymentsConfig(envReader(production))).toThrow(
      /^config: STRIPE_SECRET_KEY is required in production \(the local provider is for development\)$/,
    );
    expect(readPaymentsConfig(envReader({ ...production, STRIPE_SECRET_KEY: 'sk_live_abc' }))).toMatchObject({
      stripeSecretKey: 'sk_live_abc',
      webhookSecret: 'whsec_configured',
      production: true,
      simulationEnabled: false,
    });
    expect(existsSync(join(dir, 'keys', 'stripe-webhook-secret'))).toBe(false);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['', false],
  ])('PAYMENT_SIMULATION_ENABLED=%j in development → simulationEnabled %s', (value, enabled) => {
    expect(read({ PAYMENT_SIMULATION_ENABLED: value }).simulationEnabled).toBe(enabled);
  });

  it.each<[Record<string, string>, RegExp]>([
    [{ STRIPE_SECRET_KEY: 'sk_test_abc' }, /^config: STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set$/],
    [
      { STRIPE_SECRET_KEY: 'pk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_x' },
      /^config: STRIPE_SECRET_KEY must be a Stripe secret or restricted key/,
    ],
    [
      { STRIPE_WEBHOOK_SECRET: 'not-a-secret' },
      /^config: STRIPE_WEBHOOK_SECRET must be a Stripe webhook signing secret/,
    ],
    [{ STRIPE_API_BASE: 'http://127.0.0.1:12111' }, /^config: STRIPE_API_BASE is set but STRIPE_SECRET_KEY is not/],
    [
      { STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_API_BASE: 'ftp://stripe' },
      /^config: STRIPE_API_BASE must use http or https/,
    ],
    [
      { STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_API_BASE: 'not a url' },
      /^config: STRIPE_API_BASE must be a URL/,
    ],
    [
      { STRIPE_WEBHOOK_TOLERANCE_SECONDS: '0' },
      /^config: STRIPE_WEBHOOK_TOLERANCE_SECONDS must be an integer between 1 and 86400/,
    ],
    [{ STRIPE_WEBHOOK_TOLERANCE_SECONDS: '5m' }, /^config: STRIPE_WEBHOOK_TOLERANCE_SECONDS must be an integer/],
    [{ STRIPE_WEBHOOK_URL: 'mailto:x@y' }, /^config: STRIPE_WEBHOOK_URL must use http or https/],
    [{ NODE_ENV: 'production' }, /^config: STRIPE_SECRET_KEY is required in production/],
    [
      { NODE_ENV: 'production', STRIPE_SECRET_KEY: 'sk_live_abc' },
      /^config: STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set/,
    ],
    [
      { NODE_ENV: 'production', STRIPE_WEBHOOK_SECRET: 'whsec_x', PAYMENT_SIMULATION_ENABLED: 'true' },
      /^config: PAYMENT_SIMULATION_ENABLED must not be true in production/,
    ],
    [
      { STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_x', PAYMENT_SIMULATION_ENABLED: 'true' },
      /^config: PAYMENT_SIMULATION_ENABLED must not be true with STRIPE_SECRET_KEY/,
    ],
    [{ PAYMENT_SIMULATION_ENABLED: 'sometimes' }, /^config: PAYMENT_SIMULATION_ENABLED must be/],
  ])('stops on %j with one line naming the variable', (env, message) => {
    expect(() => read(env)).toThrow(ConfigError);
    expect(() => read(env)).toThrow(message);
  });
});
