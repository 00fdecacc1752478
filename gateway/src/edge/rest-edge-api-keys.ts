import type { Request, RequestHandler, Response } from 'express';
import { AccessTokenVerifier, AppError, ErrorCode, Logger } from '@marketplace/kit';
import { ApiKeyExchange, isApiKeyAuthorization } from './api-key-exchange';
import type { RequestRateLimiter } from './rate-limit';
import { clientIpOf, requestIdOf } from './request-context';
import { hasBody, isWebhookRoute } from './rest-edge-rate-limit';

/**
 * REST edge routes a key may never use, and why. A data export is a person's (the users
 * subgraph wants its owner signed in, and a key must not carry a vendor's personal data out);
 * webhooks are Stripe's, authenticated by Stripe's signature alone.
 */
export function apiKeyRefusalOf(prefix: string): string | undefined {
  if (prefix === '/exports')
    return 'A data export is its owner’s: download it signed in as that person, not with an API key';
  if (isWebhookRoute(prefix)) return 'Webhooks are authenticated by their sender’s signature, not by API keys';
  return undefined;
}

export interface RestEdgeApiKeyDeps {
  apiKeys: ApiKeyExchange;
  verifier: Pick<AccessTokenVerifier, 'sessionFromAuthorizationHeader'>;
  /** The shared budget a key spends (`RATE_LIMIT_PER_API_KEY_PER_MINUTE`); absent when rate limits are off. */
  limiter?: Pick<RequestRateLimiter, 'enforce'>;
}

/**
 * A REST edge request with `Authorization: Bearer mk_…`. The subgraphs behind the edge never
 * see a key: on a route that refuses keys (apiKeyRefusalOf) it is answered 403 FORBIDDEN with
 * `reason: API_KEY_NOT_ALLOWED`; on any other it is exchanged as over GraphQL (the same
 * ApiKeyExchange: revocation bound, last use), its token forwarded instead, and the request
 * counted against the key's own budget (its IP's was spent before unless the exchange was
 * remembered, see restEdgeRateLimit). A key that does not work is 401 UNAUTHENTICATED, as over
 * GraphQL, even on a route a signed link alone would open: a client that sends a key is
 * answered for that key. Without `deps` (a supergraph without the users subgraph) every key is
 * 401: it cannot be checked, and is never forwarded. Other requests pass untouched.
 */
export function restEdgeApiKeys(prefix: string, deps: RestEdgeApiKeyDeps | undefined, log: Logger): RequestHandler {
  const refusal = apiKeyRefusalOf(prefix);
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (!isApiKeyAuthorization(header)) {
      next();
      return;
    }
    if (refusal) {
      log.info({ route: prefix }, 'REST edge request refused: api key on a route keys may not use');
      answer(req, res, 403, refusal, { code: ErrorCode.FORBIDDEN, reason: 'API_KEY_NOT_ALLOWED' });
      return;
    }
    if (!deps) {
      answer(req, res, 401, 'API keys are not accepted here', { code: ErrorCode.UNAUTHENTICATED });
      return;
    }
    const identity = { clientIp: clientIpOf(req), requestId: requestIdOf(res) };
    try {
      const { grant } = await deps.apiKeys.verified(header, identity, deps.verifier);
      await deps.limiter?.enforce({ kind: 'apiKey', id: grant.apiKeyId }, res, log);
      req.headers.authorization = grant.authorization;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const { http, ...extensions } = error.extensions as { http?: { status: number } } & Record<string, unknown>;
      const status = error.extensions.code === ErrorCode.RATE_LIMITED ? 429 : (http?.status ?? 401);
      log.info({ route: prefix, reason: error.message }, 'REST edge request refused: api key');
      answer(req, res, status, error.message, extensions);
      return;
    }
    next();
  };
}

function answer(req: Request, res: Response, status: number, message: string, extensions: Record<string, unknown>) {
  // The body stays unread (an upload may be large): close the connection after the answer instead of draining it.
  if (hasBody(req)) res.setHeader('connection', 'close');
  res.status(status).json({ errors: [{ message, extensions }] });
}
