import cors from 'cors';
import type { RequestHandler } from 'express';
import { Headers } from '@marketplace/kit';
import type { GatewayConfig } from '../config';
import { RateLimitHeaders } from './rate-limit';

/** Browsers may cache a CORS preflight this long before asking again. */
const CORS_PREFLIGHT_MAX_AGE_SECONDS = 600;
const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** The configured `CORS_ORIGINS`, or any localhost frontend when none are (outside production). */
export function corsMiddleware(config: Pick<GatewayConfig, 'corsOrigins'>): RequestHandler {
  const allowed = config.corsOrigins ? new Set(config.corsOrigins) : undefined;
  return cors({
    origin: (origin, callback) =>
      callback(null, origin !== undefined && (allowed ? allowed.has(origin) : LOCAL_ORIGIN.test(origin))),
    credentials: true,
    // Browsers hide non-safelisted response headers from scripts unless they are listed here.
    exposedHeaders: [
      Headers.requestId,
      RateLimitHeaders.limit,
      RateLimitHeaders.remaining,
      RateLimitHeaders.reset,
      RateLimitHeaders.retryAfter,
    ],
    maxAge: CORS_PREFLIGHT_MAX_AGE_SECONDS,
  });
}
