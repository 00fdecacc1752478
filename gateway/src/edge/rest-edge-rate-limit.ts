import type { Request, RequestHandler } from 'express';
import { AppError, ErrorCode, Logger } from '@marketplace/kit';
import type { RequestRateLimiter } from './rate-limit';
import { clientIpOf } from './request-context';

/**
 * The REST edge spends the same per-IP budget as GraphQL: an upload, a download or a license
 * check counts one request of its client IP's budget (its callers hold signed URLs or
 * license keys, never a bearer token the gateway checks, so they are counted as anonymous
 * clients), and GraphQL and REST requests of one IP draw on one counter. Over it → 429
 * RATE_LIMITED with Retry-After and the RateLimit headers, as over GraphQL, and nothing is
 * forwarded. A store outage lets requests through (fail open), as for GraphQL.
 *
 * Webhooks (`/webhooks/...`) count apart, per IP on their own higher budget: Stripe sends
 * every account's events from a dozen published addresses and retries a 429 for days, so a
 * burst of a busy sale's events must not compete with the visitors behind the same budget —
 * nor with visitors at all. Forged deliveries stay bounded by that budget and are refused
 * by payments' signature check.
 *
 * Image files (`GET`/`HEAD` under `/media/...`) count apart too, on a larger per-IP budget: a
 * storefront page shows dozens of thumbnails, each one request, and visitors behind one
 * address (an office, a carrier's NAT) would otherwise spend the API's budget on pictures.
 * Image uploads (`PUT`) spend the shared budget like every other write.
 */

/** A route whose prefix starts so is a webhook: its own per-IP budget, not the shared one. */
export const WEBHOOK_ROUTE_PREFIX = '/webhooks/';
/** A route whose prefix starts so serves images: their reads have their own per-IP budget. */
export const MEDIA_ROUTE_PREFIX = '/media/';

export interface RestEdgeLimiters {
  /** The budget GraphQL requests spend. */
  shared: Pick<RequestRateLimiter, 'enforce'>;
  /** Webhook routes' own. */
  webhooks: Pick<RequestRateLimiter, 'enforce'>;
  /** Image reads' own. */
  media: Pick<RequestRateLimiter, 'enforce'>;
}

export function isWebhookRoute(prefix: string): boolean {
  return `${prefix}/`.startsWith(WEBHOOK_ROUTE_PREFIX);
}

function isMediaRoute(prefix: string): boolean {
  return `${prefix}/`.startsWith(MEDIA_ROUTE_PREFIX);
}

/**
 * Counts the request against its client IP's budget; over it, answers 429 before anything is
 * forwarded. `exempt` requests are not counted here: one whose API key's exchange is
 * remembered spends its key's budget instead (rest-edge-api-keys.ts), as over GraphQL.
 */
export function restEdgeRateLimit(
  prefix: string,
  limiters: RestEdgeLimiters,
  log: Logger,
  exempt: (req: Request) => boolean = () => false,
): RequestHandler {
  const routeLimiter = isWebhookRoute(prefix) ? limiters.webhooks : limiters.shared;
  const media = isMediaRoute(prefix);
  return async (req, res, next) => {
    if (exempt(req)) {
      next();
      return;
    }
    const limiter = media && (req.method === 'GET' || req.method === 'HEAD') ? limiters.media : routeLimiter;
    try {
      await limiter.enforce({ kind: 'ip', address: clientIpOf(req) }, res, log);
    } catch (error) {
      if (!(error instanceof AppError) || error.extensions.code !== ErrorCode.RATE_LIMITED) throw error;
      // The body stays unread (an upload may be large): close the connection after the answer instead of draining it.
      if (hasBody(req)) res.setHeader('connection', 'close');
      const { http: _http, ...extensions } = error.extensions;
      res.status(429).json({ errors: [{ message: error.message, extensions }] });
      return;
    }
    next();
  };
}

export function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
