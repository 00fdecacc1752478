import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
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
  return plainIp(req.ip ?? req.socket.remoteAddress);
}

/** An address as people write it: IPv4 without the `::ffff:` of an IPv4-mapped IPv6 socket. */
export function plainIp(address: string | undefined): string {
  const ip = address ?? 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
}

/** Where the rate limit's headers go: the HTTP response being prepared. */
export type HeaderSink = Pick<ServerResponse, 'setHeader'>;

/** Counts one request for its subject; throws the 429 error when the subject is over its limit. */
export interface RateLimitGuard {
  enforce(subject: RateLimitSubject, res: HeaderSink, log: Logger): Promise<void>;
}

/** What the gateway reads off one HTTP request, whichever path (Express or the lean POST path) served it. */
export interface IncomingCall {
  headers: IncomingHttpHeaders;
  requestId: string;
  clientIp: string;
}

/** The call as Express resolved it (`TRUST_PROXY` included). */
export function incomingCallOf(req: Request, res: { locals: Record<string, unknown> }): IncomingCall {
  return { headers: req.headers, requestId: String(res.locals.requestId), clientIp: clientIpOf(req) };
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
  call: IncomingCall,
  res: HeaderSink,
  deps: { verifier: AccessTokenVerifier; log: Logger; rateLimiter?: RateLimitGuard },
): Promise<GatewayContext> {
  const { requestId, clientIp } = call;
  const authorization = call.headers.authorization;
  let viewer: Viewer | null = null;
  let tokenError: unknown;
  try {
    viewer = deps.verifier.fromAuthorizationHeader(authorization);
  } catch (error) {
    tokenError = error;
  }
  // One child logger per request: building pino bindings is a measurable share of the gateway's CPU per operation.
  const log = deps.log.child({ requestId, clientIp, viewerId: viewer?.id });
  await deps.rateLimiter?.enforce(
    viewer ? { kind: 'user', id: viewer.id } : { kind: 'ip', address: clientIp },
    res,
    log,
  );
  if (tokenError !== undefined) {
    log.info(
      { reason: tokenError instanceof Error ? tokenError.message : String(tokenError) },
      'graphql request rejected: bad access token',
    );
    throw tokenError;
  }
  return { requestId, clientIp, viewer, authorization: viewer ? authorization : undefined, log };
}
