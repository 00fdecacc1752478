import type { Request, RequestHandler, Response } from 'express';
import { AccessTokenVerifier, Headers, Logger, Viewer, requestIdFrom } from '@marketplace/kit';
import type { RateLimitSubject } from './rate-limit';

/** What the gateway knows about one incoming operation; the data source forwards parts of it. */
export interface GatewayContext {
  requestId: string;
  clientIp: string;
  viewer: Viewer | null;
  /** The verified `Authorization` header, forwarded as is so subgraphs can check it themselves. */
  authorization: string | undefined;
  log: Logger;
}

/** Assigns the request id first, so every response (errors and playground included) carries it back. */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const requestId = requestIdFrom(req.headers);
  res.locals.requestId = requestId;
  res.setHeader(Headers.requestId, requestId);
  next();
};

/**
 * The client as the gateway sees it: the socket peer, or the X-Forwarded-For client when
 * `TRUST_PROXY` says which proxies to believe (Express resolves that into `req.ip`).
 */
export function clientIpOf(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
}

/** Counts one request for its subject; throws the 429 error when the subject is over its limit. */
export interface RateLimitGuard {
  enforce(subject: RateLimitSubject, res: Response, log: Logger): Promise<void>;
}

/**
 * Verifies the access token once, here. A bad token fails context creation, which Apollo
 * answers with the error's UNAUTHENTICATED code and HTTP 401 before planning anything.
 *
 * The rate limit is applied here too, once per HTTP request and before planning: by user
 * id for a valid token, otherwise by client IP. A request with a bad token is counted
 * against its IP before it is refused, so guessing tokens spends the same budget as any
 * other anonymous request (and is answered 429 once that is spent).
 */
export async function createGatewayContext(
  req: Request,
  res: Response,
  deps: { verifier: AccessTokenVerifier; log: Logger; rateLimiter?: RateLimitGuard },
): Promise<GatewayContext> {
  const requestId = String(res.locals.requestId);
  const clientIp = clientIpOf(req);
  const log = deps.log.child({ requestId });
  const authorization = req.headers.authorization;
  let viewer: Viewer | null = null;
  let tokenError: unknown;
  try {
    viewer = deps.verifier.fromAuthorizationHeader(authorization);
  } catch (error) {
    tokenError = error;
  }
  await deps.rateLimiter?.enforce(viewer ? { kind: 'user', id: viewer.id } : { kind: 'ip', address: clientIp }, res, log.child({ clientIp }));
  if (tokenError !== undefined) {
    log.info({ clientIp, reason: tokenError instanceof Error ? tokenError.message : String(tokenError) }, 'graphql request rejected: bad access token');
    throw tokenError;
  }
  return { requestId, clientIp, viewer, authorization: viewer ? authorization : undefined, log: log.child({ viewerId: viewer?.id }) };
}
