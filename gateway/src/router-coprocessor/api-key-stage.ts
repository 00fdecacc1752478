import { AccessTokenVerifier, AppError, ErrorCode, Headers, Logger, requestIdFrom } from '@marketplace/kit';
import { ApiKeyExchange, isApiKeyAuthorization } from '../edge/api-key-exchange';
import { RateLimitHeaders, RequestRateLimiter } from '../edge/rate-limit';
import { HeaderMap, RouterRequestPayload, headerValue, withoutHeaders } from './protocol';
import { clientIpOf } from './request-signing';

/** What the `RouterRequest` stage needs to take API keys; absent (no `USERS_URL`): keys are refused. */
export interface RouterApiKeys {
  apiKeys: ApiKeyExchange;
  verifier: Pick<AccessTokenVerifier, 'sessionFromAuthorizationHeader'>;
  /** The keys' budget, counted in the gateway's store (one budget per key behind both); absent when rate limits are off. */
  limiter?: Pick<RequestRateLimiter, 'limit'>;
}

export interface RouterRequestOptions {
  keys: RouterApiKeys | undefined;
  /** As for signing: believe the forwarded `x-client-ip` (ROUTER_COPROCESSOR_TRUST_CLIENT_IP). */
  trustClientIp: boolean;
  log: Logger;
}

/** The answer to a `RouterRequest`: the payload, with its headers changed, or a `break` answering the client. */
export type RouterRequestAnswer = RouterRequestPayload & { body?: unknown };

/**
 * The `RouterRequest` stage: once per client request, before the router parses it. A request
 * with `Authorization: Bearer mk_…` has the key exchanged (ApiKeyExchange, as the gateway does:
 * the same revocation bound, last use, token verified) and the key replaced by the access token
 * it grants, which the router's header rules then propagate, so no subgraph ever sees a key; the
 * subgraphs check the token's scopes field by field. A key that does not work is answered
 * 401 UNAUTHENTICATED, one over its budget (`RATE_LIMIT_PER_API_KEY_PER_MINUTE`) 429
 * RATE_LIMITED with Retry-After, both before any subgraph is asked. Any other request passes
 * unchanged (a JWT is each subgraph's to verify). Unlike the gateway, a key whose exchange is
 * not remembered spends no per-IP budget first: behind the router no client address is known
 * unless a proxy vouches for it.
 */
export async function answerRouterRequest(
  payload: RouterRequestPayload,
  { keys, trustClientIp, log }: RouterRequestOptions,
): Promise<RouterRequestAnswer> {
  const header = headerValue(payload.headers, 'authorization');
  if (!isApiKeyAuthorization(header)) return payload;
  if (!keys) return refusal(payload, 401, new AppError(ErrorCode.UNAUTHENTICATED, 'API keys are not accepted here'));
  const identity = {
    clientIp: trustClientIp ? clientIpOf(payload.headers) : undefined,
    requestId: requestIdFrom({ [Headers.requestId]: headerValue(payload.headers, Headers.requestId) ?? payload.id }),
  };
  let grant;
  try {
    ({ grant } = await keys.apiKeys.verified(header, identity, keys.verifier));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    log.info({ reason: error.message, requestId: identity.requestId }, 'router request refused: bad api key');
    return refusal(payload, 401, error);
  }
  const decision = await keys.limiter?.limit({ kind: 'apiKey', id: grant.apiKeyId }, log);
  if (decision && !decision.allowed) {
    const error = new AppError(ErrorCode.RATE_LIMITED, `Too many requests; try again in ${decision.resetSeconds} s`, {
      retryAfterSeconds: decision.resetSeconds,
    });
    return refusal(payload, 429, error, { [RateLimitHeaders.retryAfter]: [String(decision.resetSeconds)] });
  }
  const headers = withoutHeaders(payload.headers, ['authorization']);
  headers.authorization = [grant.authorization];
  return { ...payload, headers };
}

/** `control: { break }`: the router answers the client with this status and GraphQL errors body, and asks no subgraph. */
function refusal(
  payload: RouterRequestPayload,
  status: number,
  error: AppError,
  headers: HeaderMap = {},
): RouterRequestAnswer {
  const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
  return {
    ...payload,
    control: { break: status },
    // The client's headers are not echoed into the answer: only what the refusal sets.
    headers: { 'content-type': ['application/json'], ...headers },
    body: { errors: [{ message: error.message, extensions }] },
  };
}
