import {
  EnvReader,
  MailConfig,
  MailDeliveryConfig,
  loadUrlSigningSecret,
  readCommonConfig,
  readMailConfig,
  readMailDeliveryConfig,
} from '@marketplace/kit';

/** Settings of the notifications subgraph, read and checked once at start-up. */
export interface NotificationsConfig {
  /** The web app's address: every notification's link starts with it (`APP_URL`, no trailing slash). */
  appUrl: string;
  /** Where clients reach the gateway (`PUBLIC_URL`): unsubscribe links point there. */
  publicUrl: string;
  /** Signs the unsubscribe links (`URL_SIGNING_SECRET`, as download links). */
  urlSigningSecret: Buffer;
  /** `SMTP_URL`, `MAIL_FROM`, `APP_NAME`: without SMTP (outside production) the email channel is off. */
  mail: MailConfig;
  delivery: MailDeliveryConfig;
}

export function readNotificationsConfig(env: EnvReader): NotificationsConfig {
  const appUrl = env.string('APP_URL', 'http://localhost:3000').replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(appUrl)) throw new Error('APP_URL must be an http(s) URL');
  return {
    appUrl,
    publicUrl: (env.url('PUBLIC_URL', ['http', 'https']) ?? 'http://127.0.0.1:4000').replace(/\/+$/, ''),
    urlSigningSecret: loadUrlSigningSecret(readCommonConfig(env), env.optionalString('URL_SIGNING_SECRET')),
    mail: readMailConfig(env, 'without it no notification email is sent'),
    delivery: readMailDeliveryConfig(env),
  };
}
