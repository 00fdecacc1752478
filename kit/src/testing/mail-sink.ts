import { MailSink, MailSinkOptions, startMailSink } from '../mail/mail-sink';

/**
 * A real SMTP server for a test, on a free loopback port: send through `sink.url` (as
 * `SMTP_URL`) and read what arrived with `sink.waitFor(...)`. The test closes it.
 */
export function startTestMailSink(options: Omit<MailSinkOptions, 'port' | 'host'> = {}): Promise<MailSink> {
  return startMailSink({ ...options, port: 0, host: '127.0.0.1' });
}
