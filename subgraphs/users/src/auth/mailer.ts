import type { Logger } from '@marketplace/kit';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Where account emails go. Only the development transport exists so far. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * Development transport: the email is written to the log instead of being sent. Its body
 * holds a one-time link by design; no other log line carries a token.
 */
export class LogMailer implements Mailer {
  constructor(private readonly log: Logger) {}

  async send(mail: Mail): Promise<void> {
    this.log.info({ mail }, `mail to ${mail.to}: ${mail.subject}`);
  }
}
