import type { EnvReader } from '@marketplace/kit';

/** Settings of the notifications subgraph, read and checked once at start-up. */
export interface NotificationsConfig {
  /** The web app's address: every notification's link starts with it (`APP_URL`, no trailing slash). */
  appUrl: string;
}

export function readNotificationsConfig(env: EnvReader): NotificationsConfig {
  const appUrl = env.string('APP_URL', 'http://localhost:3000').replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(appUrl)) throw new Error('APP_URL must be an http(s) URL');
  return { appUrl };
}
