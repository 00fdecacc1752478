import { isApiKeyAuthorization } from '../edge/api-key-exchange';

/**
 * Apollo Router's external coprocessor protocol, version 1, as far as this coprocessor speaks
 * it: the `RouterRequest` stage (once per client request, before parsing: API keys are
 * exchanged there) and the `SubgraphRequest` stage (once per subgraph fetch: signing). The
 * router POSTs one JSON object per call and takes the answer as that object with whatever it
 * changed (`body`, `headers`, or `control: { break: <status> }` to answer the client at once);
 * a property left out keeps its value, and `version`, `stage`, `id`, `subgraphRequestId` and
 * `serviceName` must come back unchanged or the router fails the request.
 */

export const PROTOCOL_VERSION = 1;
export const SUBGRAPH_REQUEST_STAGE = 'SubgraphRequest';
export const ROUTER_REQUEST_STAGE = 'RouterRequest';
/** The stages this coprocessor answers, as router.yaml's `coprocessor` block sends them. */
export const STAGES = [ROUTER_REQUEST_STAGE, SUBGRAPH_REQUEST_STAGE] as const;

/** Header name → its values, as the router sends and takes them. */
export type HeaderMap = Record<string, string[]>;

/** The GraphQL request the router is about to send to a subgraph. */
export interface SubgraphBody {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A `SubgraphRequest` payload with what router.yaml asks it to carry: headers, body, uri (method defaults to POST). */
export interface SubgraphRequestPayload {
  version: typeof PROTOCOL_VERSION;
  stage: typeof SUBGRAPH_REQUEST_STAGE;
  control: unknown;
  id: string;
  headers: HeaderMap;
  body: SubgraphBody;
  uri: string;
  method?: string;
  serviceName?: string;
  [key: string]: unknown;
}

/** A `RouterRequest` payload with what router.yaml asks it to carry: the client request's headers. */
export interface RouterRequestPayload {
  version: typeof PROTOCOL_VERSION;
  stage: typeof ROUTER_REQUEST_STAGE;
  control: unknown;
  id: string;
  headers: HeaderMap;
  [key: string]: unknown;
}

/** Why a payload cannot be answered: the router logs the coprocessor's non-2xx answer and fails that subgraph fetch. */
export class ProtocolRefusal extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * The payload as a `RouterRequest` or a `SubgraphRequest` this coprocessor can answer, or a
 * refusal saying what is wrong. Another stage or version is refused rather than passed on
 * untouched: it means router.yaml sends this coprocessor work it does not do, which should
 * fail loudly.
 */
export function parsePayload(payload: unknown): RouterRequestPayload | SubgraphRequestPayload {
  if (!isObject(payload)) throw new ProtocolRefusal('Expected a coprocessor payload: a JSON object');
  if (payload.version !== PROTOCOL_VERSION) {
    throw new ProtocolRefusal(
      `Unsupported coprocessor protocol version ${JSON.stringify(payload.version)}; this coprocessor speaks version ${PROTOCOL_VERSION}`,
    );
  }
  if (payload.stage === ROUTER_REQUEST_STAGE) return parseRouterRequest(payload);
  if (payload.stage !== SUBGRAPH_REQUEST_STAGE) {
    throw new ProtocolRefusal(
      `Unsupported stage ${JSON.stringify(payload.stage)}: this coprocessor answers ${STAGES.join(' and ')} only (router.yaml: coprocessor.router.request, coprocessor.subgraph.all.request)`,
    );
  }
  return parseSubgraphRequest(payload);
}

function parseRouterRequest(payload: Record<string, unknown>): RouterRequestPayload {
  if (typeof payload.id !== 'string' || payload.id === '') throw new ProtocolRefusal('The payload has no id');
  if (!isHeaderMap(payload.headers)) {
    throw new ProtocolRefusal(
      'The payload has no headers, or malformed ones (router.yaml: coprocessor.router.request.headers: true)',
    );
  }
  return payload as RouterRequestPayload;
}

function parseSubgraphRequest(payload: Record<string, unknown>): SubgraphRequestPayload {
  if (typeof payload.id !== 'string' || payload.id === '') throw new ProtocolRefusal('The payload has no id');
  if (!isObject(payload.body) || typeof payload.body.query !== 'string') {
    throw new ProtocolRefusal('The payload has no GraphQL body to sign (router.yaml: request.body: true)');
  }
  if (!isHeaderMap(payload.headers)) {
    throw new ProtocolRefusal('The payload has no headers, or malformed ones (router.yaml: request.headers: true)');
  }
  if (typeof payload.uri !== 'string' || !isHttpUrl(payload.uri)) {
    throw new ProtocolRefusal('The payload has no subgraph uri to sign the path of (router.yaml: request.uri: true)');
  }
  if (
    payload.method !== undefined &&
    (typeof payload.method !== 'string' || !/^[A-Za-z]{1,16}$/.test(payload.method))
  ) {
    throw new ProtocolRefusal('The payload has a malformed method');
  }
  // The RouterRequest stage replaced any key by its token; one here means router.yaml skips that stage.
  if (isApiKeyAuthorization(headerValue(payload.headers, 'authorization'))) {
    throw new ProtocolRefusal(
      'An API key reached the SubgraphRequest stage: no subgraph may see one (router.yaml: coprocessor.router.request.headers: true)',
      403,
    );
  }
  return payload as SubgraphRequestPayload;
}

/** The first value of a header, whatever the case of its name. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, values] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return values[0];
  }
  return undefined;
}

/** The headers without any of `names`, whatever the case they were sent in. */
export function withoutHeaders(headers: HeaderMap, names: readonly string[]): HeaderMap {
  const dropped = new Set(names.map((name) => name.toLowerCase()));
  return Object.fromEntries(Object.entries(headers).filter(([key]) => !dropped.has(key.toLowerCase())));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHeaderMap(value: unknown): value is HeaderMap {
  return (
    isObject(value) &&
    Object.values(value).every((values) => Array.isArray(values) && values.every((item) => typeof item === 'string'))
  );
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
