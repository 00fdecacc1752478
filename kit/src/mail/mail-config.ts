import type { EnvReader } from '../config';

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

export function readMailConfig(env: EnvReader): MailConfig {
  return {
    smtpUrl: env.url('SMTP_URL', ['smtp', 'smtps']),
    from: env.string('MAIL_FROM', DEFAULT_MAIL_FROM),
    appName: env.string('APP_NAME', DEFAULT_APP_NAME),
  };
}
