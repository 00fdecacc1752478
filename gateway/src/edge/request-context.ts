import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import {
  AccessTokenVerifier,
  CommonConfig,
  Headers,
  Logger,
  SessionVersions,
  Viewer,
  createSessionVersions,
  loadTokenKeys,
  requestIdFrom,
} from '@marketplace/kit';
import { ApiKeyExchange, VerifiedApiKey, isApiKeyAuthorization } from './api-key-exchange';
import type { RequestRateLimiter } from './rate-limit';

/** What the gateway knows about one incoming operation; the data source forwards parts of it. */
export interface GatewayContext {
  requestId: string;
  clientIp: string;
  /** The client's `User-Agent`, forwarded for the session list (display only). */
  userAgent?: string;
  viewer: Viewer | null;
  /**
   * The verified `Authorization` header, forwarded as is so subgraphs can check it themselves;
   * for an API key, the token the key was exchanged for (the key itself goes no further).
   */
  authorization: string | undefined;
  log: Logger;
}

/** What building a context needs besides the request itself. */
export interface ContextDeps {
  verifier: AccessTokenVerifier;
  log: Logger;
  /** Absent when rate limits are off. */
  rateLimiter?: Pick<RequestRateLimiter, 'enforce'>;
  /** Vendors' API keys (`Bearer mk_…`); absent: such a header is refused like any bad token. */
  apiKeys?: ApiKeyExchange;
}

/**
 * Checks access tokens against the users subgraph's public key, issuer and audience, and
 * their session against the session versions the users subgraph publishes (Redis when
 * `REDIS_URL` is set; the in-process store of an embedded run otherwise).
 */
export function buildTokenVerifier(
  config: CommonConfig,
  log?: Logger,
): { verifier: AccessTokenVerifier; sessions: SessionVersions } {
  const keys = loadTokenKeys(config);
  const sessions = createSessionVersions(config, log);
  const settings = {
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    adminRequiresSecondFactor: config.jwt.adminRequiresSecondFactor,
  };
  return { verifier: new AccessTokenVerifier(keys.publicKeyPem, settings, sessions), sessions };
}

/** Assigns the request id first, so every response (errors and playground included) carries it back. */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const requestId = requestIdFrom(req.headers);
  res.locals.requestId = requestId;
  res.setHeader(Headers.requestId, requestId);
  next();
};

/** The id `requestIdMiddleware` gave this request. */
export function requestIdOf(res: Response): string {
  return String(res.locals.requestId);
}

/**
 * The client as the gateway sees it: the socket peer, or the X-Forwarded-For client when
 * `TRUST_PROXY` says which proxies to believe (Express resolves that into `req.ip`).
 */
export function clientIpOf(req: Request): string {
  return withoutIpv4MappedPrefix(req.ip ?? req.socket.remoteAddress);
}

/** The socket peer of a request Express never sees (a WebSocket upgrade), so `TRUST_PROXY` does not apply. */
export function socketPeerOf(req: IncomingMessage): string {
  return withoutIpv4MappedPrefix(req.socket.remoteAddress);
}

/** An address as people write it: IPv4 without the `::ffff:` of an IPv4-mapped IPv6 socket. */
function withoutIpv4MappedPrefix(address: string | undefined): string {
  const ip = address ?? 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
}

/**
 * Verifies the access token once, here (signature, expiry, and that its session was not
 * ended and its subject is known). A bad token fails context creation, which Apollo
 * answers with the error's UNAUTHENTICATED code and HTTP 401 before planning anything.
 *
 * The rate limit is applied here too, once per HTTP request and before planning: by user
 * id for a valid token, otherwise by client IP. A request with a bad token is counted
 * against its IP before it is refused, so guessing tokens spends the same budget as any
 * other anonymous request (and is answered 429 once that is spent).
 */
export async function createGatewayContext(req: Request, res: Response, deps: ContextDeps): Promise<GatewayContext> {
  const requestId = requestIdOf(res);
  const clientIp = clientIpOf(req);
  const authorization = req.headers.authorization;
  if (deps.apiKeys && isApiKeyAuthorization(authorization))
    return apiKeyContext(authorization, res, { requestId, clientIp }, { ...deps, apiKeys: deps.apiKeys });
  let viewer: Viewer | null = null;
  let tokenError: Error | undefined;
  try {
    viewer = await deps.verifier.fromAuthorizationHeader(authorization);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    tokenError = error;
  }
  // One child logger per request: building pino bindings is a measurable share of the gateway's CPU per operation.
  const log = deps.log.child({ requestId, clientIp, viewerId: viewer?.id });
  await deps.rateLimiter?.enforce(
    viewer ? { kind: 'user', id: viewer.id } : { kind: 'ip', address: clientIp },
    res,
    log,
  );
  if (tokenError) {
    log.info({ reason: tokenError.message }, 'graphql request rejected: bad access token');
    throw tokenError;
  }
  const userAgent = req.headers['user-agent'];
  return {
    requestId,
    clientIp,
    ...(userAgent ? { userAgent } : {}),
    viewer,
    authorization: viewer ? authorization : undefined,
    log,
  };
}

/**
 * A request with a vendor's API key: exchanged at the users subgraph (or remembered, see
 * ApiKeyExchange) for a token of the owner limited to the key's scopes, which is verified
 * like any other and forwarded instead of the key. An exchange costs the users subgraph a
 * lookup, so one not remembered counts against the client's IP first (guessing keys spends
 * the anonymous budget); a valid key then counts against its own budget (`apiKey:<id>`).
 */
async function apiKeyContext(
  header: string,
  res: Response,
  request: { requestId: string; clientIp: string },
  deps: ContextDeps & { apiKeys: ApiKeyExchange },
): Promise<GatewayContext> {
  const { requestId, clientIp } = request;
  const anonymousLog = deps.log.child({ requestId, clientIp });
  const remembered = deps.apiKeys.isRemembered(header);
  if (!remembered) await deps.rateLimiter?.enforce({ kind: 'ip', address: clientIp }, res, anonymousLog);
  let exchanged: VerifiedApiKey;
  try {
    exchanged = await deps.apiKeys.verified(header, request, deps.verifier);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    anonymousLog.info({ reason: error.message }, 'graphql request rejected: bad api key');
    throw error;
  }
  const { grant } = exchanged;
  const viewer = exchanged.session.viewer;
  const log = deps.log.child({ requestId, clientIp, viewerId: viewer?.id, apiKeyId: grant.apiKeyId });
  await deps.rateLimiter?.enforce({ kind: 'apiKey', id: grant.apiKeyId }, res, log);
  return { requestId, clientIp, viewer, authorization: grant.authorization, log };
}
