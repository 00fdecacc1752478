import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AccessTokenVerifier } from './auth/access-token';
import type { Viewer } from './contracts/roles';
import { LoaderRegistry } from './loaders';
import type { Logger } from './logger';

/** Headers the gateway forwards to subgraphs (and that subgraphs pass on to events and logs). */
export const Headers = {
  requestId: 'x-request-id',
  clientIp: 'x-client-ip',
  /** The client's own `User-Agent`, as the gateway received it (display only: clients say what they like). */
  clientUserAgent: 'x-client-user-agent',
  authorization: 'authorization',
} as const;

/** Everything a resolver or service may know about the request it serves. */
export interface RequestContext {
  requestId: string;
  viewer: Viewer | null;
  clientIp: string;
  /** The client's `User-Agent` when it sent one (what a session list shows; never trusted for anything). */
  userAgent?: string;
  /** The session (refresh token family) the access token belongs to; absent when anonymous or for an older token. */
  sessionId?: string;
  /** The body carried the gateway's valid signature: only then do `_entities` and `_service` answer. */
  signedByGateway: boolean;
  log: Logger;
  loaders: LoaderRegistry;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Keeps a caller's request id when it is well-formed, so one id follows a request everywhere. */
export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const incoming = headers[Headers.requestId];
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
}

export interface ContextSource {
  /** Identity headers are left in only when the gateway's signature over them held (server/gateway-identity.ts). */
  headers: IncomingHttpHeaders;
  remoteAddress: string | undefined;
  signedByGateway: boolean;
}

export async function createRequestContext(
  source: ContextSource,
  deps: { verifier: AccessTokenVerifier; log: Logger; trustForwardedClientIp: boolean },
): Promise<RequestContext> {
  const requestId = requestIdFrom(source.headers);
  const forwardedIp = source.headers[Headers.clientIp];
  const clientIp =
    (deps.trustForwardedClientIp && typeof forwardedIp === 'string' && forwardedIp) ||
    source.remoteAddress ||
    'unknown';
  // Signature, expiry and session: a subgraph called directly refuses ended sessions and unknown users too.
  const session = await deps.verifier.sessionFromAuthorizationHeader(source.headers.authorization);
  const viewer = session?.viewer ?? null;
  const userAgent = userAgentOf(source.headers, deps.trustForwardedClientIp);
  return {
    requestId,
    viewer,
    clientIp,
    ...(userAgent ? { userAgent } : {}),
    ...(session?.sessionId ? { sessionId: session.sessionId } : {}),
    signedByGateway: source.signedByGateway,
    log: deps.log.child({ requestId, viewerId: viewer?.id }),
    loaders: new LoaderRegistry(),
  };
}

/** Long enough for any real browser's; a longer header is cut, not refused. */
const MAX_USER_AGENT_LENGTH = 512;

/**
 * Behind the gateway (its vouched `x-client-ip` present) the client's agent is the forwarded
 * one, or none: the request's own `User-Agent` is then the gateway's HTTP client.
 */
function userAgentOf(headers: IncomingHttpHeaders, trustForwarded: boolean): string | undefined {
  const forwarded = trustForwarded && typeof headers[Headers.clientIp] === 'string';
  const raw = forwarded ? headers[Headers.clientUserAgent] : headers['user-agent'];
  const agent = typeof raw === 'string' ? raw.trim().slice(0, MAX_USER_AGENT_LENGTH) : '';
  return agent || undefined;
}
