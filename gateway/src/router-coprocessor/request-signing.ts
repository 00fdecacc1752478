import { isIP } from 'node:net';
import { GatewaySigner, Headers, IDENTITY_SIGNATURE_HEADER, bodySignatureOf, requestIdFrom } from '@marketplace/kit';
import { HeaderMap, SubgraphRequestPayload, headerValue, withoutHeaders } from './protocol';

export interface SigningOptions {
  /** Vouch for the `x-client-ip` the router forwards (see RouterCoprocessorConfig.trustClientIp). */
  trustClientIp: boolean;
}

/** The headers this coprocessor writes: whatever a caller sent under these names never reaches a subgraph. */
const SIGNED_HEADERS = [IDENTITY_SIGNATURE_HEADER, Headers.clientIp, Headers.requestId] as const;

/**
 * The payload signed as the gateway signs its own subgraph calls (SubgraphDataSource): the
 * body with Hive's HMAC upstream signature in `extensions["hmac-signature"]`, and
 * `x-gateway-signature` over the method, the path the subgraph will see (from `uri`), the
 * client IP, the request id and that body signature. Everything else comes back as it came.
 */
export function signSubgraphRequest(
  signer: GatewaySigner,
  payload: SubgraphRequestPayload,
  options: SigningOptions,
): SubgraphRequestPayload {
  const body = signer.signBody(payload.body);
  const target = new URL(payload.uri);
  const identity = {
    method: payload.method ?? 'POST',
    path: `${target.pathname}${target.search}`,
    clientIp: options.trustClientIp ? clientIpOf(payload.headers) : undefined,
    requestId: requestIdOf(payload),
    bodySignature: bodySignatureOf(body),
  };
  const headers: HeaderMap = withoutHeaders(payload.headers, SIGNED_HEADERS);
  for (const [name, value] of Object.entries(signer.identityHeaders(identity))) headers[name] = [value];
  return { ...payload, headers, body };
}

/** The forwarded client IP when it is an address (a proxy's header could hold anything). */
export function clientIpOf(headers: HeaderMap): string | undefined {
  const value = headerValue(headers, Headers.clientIp)?.trim();
  return value && isIP(value) ? value : undefined;
}

/**
 * The caller's `x-request-id` when well-formed, as the gateway keeps it; without one the
 * router's id for the client request, so every subgraph fetch of one operation logs one id.
 */
function requestIdOf(payload: SubgraphRequestPayload): string {
  return requestIdFrom({ [Headers.requestId]: headerValue(payload.headers, Headers.requestId) ?? payload.id });
}
