import type { EnvReader } from '../config';

/** The sender every mail carries unless `MAIL_FROM` says otherwise. */
export const DEFAULT_MAIL_FROM = '"Marketplace" <no-reply@marketplace.local>';

/** Where and as whom the supergraph sends mail, read once at start-up. */
export interface MailConfig {
  /**
   * `SMTP_URL` (`smtp://` or `smtps://`, credentials and nodemailer options in the URL,
   * e.g. `smtp://user:pass@smtp.example.com:587`). Unset: no mail leaves the process.
   */
  smtpUrl: string | undefined;
  /** `MAIL_FROM`: the `From` header, `"Name" <address>` or a bare address. */
  from: string;
}

export function readMailConfig(env: EnvReader): MailConfig {
  return {
    smtpUrl: env.url('SMTP_URL', ['smtp', 'smtps']),
    from: env.string('MAIL_FROM', DEFAULT_MAIL_FROM),
  };
}
