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
  authorization: 'authorization',
} as const;

/** Everything a resolver or service may know about the request it serves. */
export interface RequestContext {
  requestId: string;
  viewer: Viewer | null;
  clientIp: string;
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
  const viewer = await deps.verifier.fromAuthorizationHeader(source.headers.authorization);
  return {
    requestId,
    viewer,
    clientIp,
    signedByGateway: source.signedByGateway,
    log: deps.log.child({ requestId, viewerId: viewer?.id }),
    loaders: new LoaderRegistry(),
  };
}
