import { EnvReader, MailConfig, MailDeliveryConfig, readMailConfig, readMailDeliveryConfig } from '@marketplace/kit';
import type { Mailer } from './auth/mailer';

/** Settings of the users subgraph, read once at start-up. */
export interface UsersConfig {
  /** log2 of scrypt's N; 15 costs about 100 ms and 32 MiB per hash on a 2-core machine. */
  passwordHashCost: number;
  refreshTokenTtlDays: number;
  emailVerificationTtlHours: number;
  passwordResetTtlMinutes: number;
  login: {
    /** Failures of one account from one IP before that pair waits (then each failure doubles the wait). */
    freeFailuresPerAccountAndIp: number;
    backoffBaseSeconds: number;
    /** Attempts on one account from all IPs together: high, so strangers cannot lock the owner out cheaply. */
    maxAttemptsPerAccount: number;
    /** Failed attempts from one IP across accounts. */
    maxAttemptsPerIp: number;
    /** Window of every login counter, and the longest wait. */
    windowMinutes: number;
  };
  /** Wrong current passwords per signed-in user (changePassword) per login window. */
  maxCurrentPasswordFailures: number;
  passwordResetRequestsPerHour: number;
  registrationsPerIpPerHour: number;
  /** Base URL of the storefront, for the links in emails. */
  appUrl: string;
  seedAdmin: { email: string; password: string };
  /** `SMTP_URL` and `MAIL_FROM`: account emails go out over SMTP when set, and only to the log when not. */
  mail: MailConfig;
  /** How queued account emails are sent (`MAIL_*`, as in notifications). */
  delivery: MailDeliveryConfig;
  /** Never from the environment: the test harness sets it to read the tokens account emails carry. */
  copyMailTo?: Mailer;
}

export function readUsersConfig(env: EnvReader): UsersConfig {
  // Without SMTP, verification and reset mails reach only the (redacted) log: nobody could
  // verify an address or reset a password.
  const mail = readMailConfig(env, 'without it account emails only reach the log');
  return {
    passwordHashCost: env.int('PASSWORD_HASH_COST', 15, { min: 10, max: 20 }),
    refreshTokenTtlDays: env.int('REFRESH_TOKEN_TTL_DAYS', 30, { min: 1, max: 365 }),
    emailVerificationTtlHours: env.int('EMAIL_VERIFICATION_TTL_HOURS', 48, { min: 1, max: 720 }),
    passwordResetTtlMinutes: env.int('PASSWORD_RESET_TTL_MINUTES', 60, { min: 5, max: 1440 }),
    login: {
      freeFailuresPerAccountAndIp: env.int('LOGIN_FREE_FAILURES_PER_ACCOUNT_AND_IP', 5, { min: 1 }),
      backoffBaseSeconds: env.int('LOGIN_BACKOFF_BASE_SECONDS', 60, { min: 1 }),
      maxAttemptsPerAccount: env.int('LOGIN_MAX_ATTEMPTS_PER_ACCOUNT', 100, { min: 1 }),
      maxAttemptsPerIp: env.int('LOGIN_MAX_ATTEMPTS_PER_IP', 100, { min: 1 }),
      windowMinutes: env.int('LOGIN_WINDOW_MINUTES', 15, { min: 1 }),
    },
    maxCurrentPasswordFailures: env.int('CHANGE_PASSWORD_MAX_ATTEMPTS', 5, { min: 1 }),
    passwordResetRequestsPerHour: env.int('PASSWORD_RESET_REQUESTS_PER_HOUR', 5, { min: 1 }),
    registrationsPerIpPerHour: env.int('REGISTRATIONS_PER_IP_PER_HOUR', 30, { min: 1 }),
    appUrl: env.string('APP_URL', 'http://localhost:3000'),
    seedAdmin: {
      email: env.string('SEED_ADMIN_EMAIL', 'admin@marketplace.local'),
      password: env.string('SEED_ADMIN_PASSWORD', 'admin-password-123'),
    },
    mail,
    delivery: readMailDeliveryConfig(env),
  };
}
