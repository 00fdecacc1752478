import { ConfigError, EnvReader, readCommonConfig } from '../config';

/** The sender every mail carries unless `MAIL_FROM` says otherwise. */
export const DEFAULT_MAIL_FROM = '"Marketplace" <no-reply@marketplace.local>';

/** The marketplace's name in every mail (header, footer, subjects) unless `APP_NAME` says otherwise. */
export const DEFAULT_APP_NAME = 'Marketplace';

/** Where and as whom the supergraph sends mail, read once at start-up. */
export interface MailConfig {
  /**
   * `SMTP_URL` (`smtp://` or `smtps://`, credentials and nodemailer options in the URL,
   * e.g. `smtp://user:pass@smtp.example.com:587`). Unset: no mail leaves the process.
   */
  smtpUrl: string | undefined;
  /** `MAIL_FROM`: the `From` header, `"Name" <address>` or a bare address. */
  from: string;
  /** `APP_NAME`: the marketplace's name as every mail shows it (the `appName` of the mail layout's brand). */
  appName: string;
}

/**
 * With `requiredInProduction`, a production start without `SMTP_URL` is refused: the reason
 * says what would silently not work, since running half-working is worse than not starting.
 */
export function readMailConfig(env: EnvReader, requiredInProduction?: string): MailConfig {
  const smtpUrl = env.url('SMTP_URL', ['smtp', 'smtps']);
  if (smtpUrl === undefined && requiredInProduction && readCommonConfig(env).environment === 'production')
    throw new ConfigError('SMTP_URL', `is required in production (${requiredInProduction})`);
  return {
    smtpUrl,
    from: env.string('MAIL_FROM', DEFAULT_MAIL_FROM),
    appName: env.string('APP_NAME', DEFAULT_APP_NAME),
  };
}

/** How queued mail is sent: retries, their back-off, and how much one address may receive. */
export interface MailDeliveryConfig {
  /**
   * `MAIL_MAX_ATTEMPTS`: temporary refusals (4xx) of one mail before it is recorded FAILED (a 5xx fails it at
   * once). An unreachable server counts no attempt against it: mail waits out an outage of any length.
   */
  maxAttempts: number;
  /** `MAIL_RETRY_BASE_MS` / `MAIL_RETRY_MAX_MS`: the first retry waits up to the base, doubling up to the max. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** `MAIL_RATE_LIMIT_PER_HOUR`: mails one address receives in any hour; more wait for the window to move. */
  perRecipientPerHour: number;
  /** `MAIL_POLL_MS`: how often the dispatcher looks for due mail it was not woken for (a retry, another replica's). */
  pollMs: number;
  /** `MAIL_CONCURRENCY`: mails in flight at once per process. */
  concurrency: number;
  /** `MAIL_RETENTION_DAYS`: how long a sent or failed mail's record (never its body) is kept. */
  retentionDays: number;
}

export const MAIL_DELIVERY_DEFAULTS: MailDeliveryConfig = {
  maxAttempts: 8,
  retryBaseMs: 30_000,
  retryMaxMs: 60 * 60_000,
  perRecipientPerHour: 30,
  pollMs: 5_000,
  concurrency: 2,
  retentionDays: 90,
};

export function readMailDeliveryConfig(env: EnvReader): MailDeliveryConfig {
  const d = MAIL_DELIVERY_DEFAULTS;
  const retryBaseMs = env.int('MAIL_RETRY_BASE_MS', d.retryBaseMs, { min: 10, max: 24 * 3_600_000 });
  return {
    maxAttempts: env.int('MAIL_MAX_ATTEMPTS', d.maxAttempts, { min: 1, max: 100 }),
    retryBaseMs,
    retryMaxMs: env.int('MAIL_RETRY_MAX_MS', Math.max(d.retryMaxMs, retryBaseMs), {
      min: retryBaseMs,
      max: 7 * 24 * 3_600_000,
    }),
    perRecipientPerHour: env.int('MAIL_RATE_LIMIT_PER_HOUR', d.perRecipientPerHour, { min: 1, max: 100_000 }),
    pollMs: env.int('MAIL_POLL_MS', d.pollMs, { min: 50, max: 600_000 }),
    concurrency: env.int('MAIL_CONCURRENCY', d.concurrency, { min: 1, max: 64 }),
    retentionDays: env.int('MAIL_RETENTION_DAYS', d.retentionDays, { min: 1, max: 3650 }),
  };
}
