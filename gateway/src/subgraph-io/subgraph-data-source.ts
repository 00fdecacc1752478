import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GraphQLRequestContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { GatewaySigner, Headers, Logger, bodySignatureOf } from '@marketplace/kit';
import type { GatewayContext } from '../edge/request-context';
import { SubgraphAnswer, SubgraphFetcher, cacheControlDirectives } from './subgraph-fetcher';

type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;
type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;
/** The operation's cache policy as Apollo Server hands it over (the gateway interface declares it `any`). */
type CachePolicy = GraphQLRequestContext<GatewayContext>['overallCachePolicy'];

/** Code the kit's error formatter passes through for a subgraph the gateway could not use. */
export const DOWNSTREAM_SERVICE_ERROR = 'DOWNSTREAM_SERVICE_ERROR';

/**
 * One subgraph as the gateway calls it: forwards who is asking (the verified token), which
 * request this is and from where, signs the body (Hive's HMAC upstream signature) and that
 * identity (`x-gateway-signature`), and turns transport failures into a clean error instead
 * of echoing the subgraph's URL and raw body.
 *
 * It does what @apollo/gateway's RemoteGraphQLDataSource does for a plain POST (the JSON
 * body, the subgraph's `Cache-Control` folded into the operation's cache policy) straight on
 * the fetcher's answer: that class builds Fetch API requests, headers and responses per
 * subgraph call that nothing here reads.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  /** The path (and query) the subgraph sees, as the identity signature covers it. */
  private readonly path: string;

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly send: SubgraphFetcher['send'],
    private readonly log: Logger,
    private readonly signer: GatewaySigner,
  ) {
    const parsed = new URL(url);
    this.path = `${parsed.pathname}${parsed.search}`;
  }

  async process(options: ProcessOptions): Promise<SubgraphResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const headers: Record<string, string> = {};
    // Only the executor's trace request sets headers here; the gateway's own are added below.
    for (const [name, value] of request.http?.headers ?? []) headers[name.toLowerCase()] = value;
    headers['content-type'] = 'application/json';
    // Health checks and schema loading carry no incoming request.
    const incoming = 'incomingRequestContext' in options ? options : undefined;
    const context = incoming?.context;
    if (context?.authorization) headers[Headers.authorization] = context.authorization;
    // Kept by the subgraph only under the identity signature below, though not covered by it: display only.
    if (context?.userAgent) headers[Headers.clientUserAgent] = context.userAgent;
    const { http: _http, query, ...rest } = request;
    const payload = this.signer.signBody({ query, ...rest });
    const identity = { clientIp: context?.clientIp, requestId: context?.requestId };
    // The signature signBody just made: serializing the variables (entity representations) again would double the work.
    const bodySignature = bodySignatureOf(payload);
    Object.assign(
      headers,
      this.signer.identityHeaders({ method: 'POST', path: this.path, ...identity, bodySignature }),
    );
    let answer: SubgraphAnswer;
    let response: SubgraphResponse;
    try {
      answer = await this.send(this.url, { method: 'POST', headers, body: JSON.stringify(payload) });
      if (answer.status < 200 || answer.status >= 300) throw this.errorFromAnswer(answer);
      const body = jsonOf(answer);
      if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw new Error(`Expected a JSON object from the ${this.name} service`);
      response = body;
    } catch (error) {
      throw this.failure(error, context);
    }
    const policy = cachePolicyOf(options);
    if (policy) restrictCachePolicy(policy, answer.headers['cache-control']);
    return response;
  }

  /** A non-2xx answer: keep the subgraph's own GraphQL error when it sent one, never its URL. */
  private errorFromAnswer(answer: SubgraphAnswer): GraphQLError {
    let body: unknown;
    try {
      body = jsonOf(answer);
    } catch {
      // Not JSON after all: the status says enough.
    }
    const first = firstGraphQLError(body);
    if (first) return new GraphQLError(first.message, { extensions: first.extensions });
    return new GraphQLError(`The ${this.name} service answered HTTP ${answer.status}`, {
      extensions: { code: DOWNSTREAM_SERVICE_ERROR },
    });
  }

  private failure(error: unknown, context: GatewayContext | undefined): GraphQLError {
    const log = context?.log ?? this.log;
    if (error instanceof GraphQLError) {
      log.warn({ subgraph: this.name, code: error.extensions.code, message: error.message }, 'subgraph request failed');
      return error;
    }
    log.warn(
      { subgraph: this.name, err: error instanceof Error ? error.message : String(error) },
      'subgraph unreachable',
    );
    return new GraphQLError('A backing service is unavailable; try again shortly', {
      extensions: { code: DOWNSTREAM_SERVICE_ERROR },
    });
  }
}

/** The answer's JSON body, or undefined when it has none (an HTML error page from a proxy, say). */
function jsonOf(answer: SubgraphAnswer): unknown {
  const type = answer.headers['content-type'];
  if (
    !answer.body ||
    !type ||
    !(type.startsWith('application/json') || type.startsWith('application/graphql-response+json'))
  )
    return undefined;
  return JSON.parse(answer.body.toString('utf8'));
}

/** The incoming operation's cache policy; health checks and schema loads have none. */
function cachePolicyOf(options: ProcessOptions): CachePolicy | undefined {
  if (!('incomingRequestContext' in options)) return undefined;
  const policy: unknown = options.incomingRequestContext.overallCachePolicy;
  return isCachePolicy(policy) ? policy : undefined;
}

function isCachePolicy(value: unknown): value is CachePolicy {
  return typeof value === 'object' && value !== null && 'restrict' in value && typeof value.restrict === 'function';
}

/** As @apollo/gateway does: the whole operation may be cached no longer, nor more widely, than any subgraph answer in it. */
function restrictCachePolicy(policy: CachePolicy, cacheControl: string | undefined): void {
  const directives = cacheControlDirectives(cacheControl);
  const maxAge = directives.get('max-age');
  const scope = directives.has('private') ? 'PRIVATE' : directives.has('public') ? 'PUBLIC' : undefined;
  policy.restrict({ maxAge: maxAge && /^[0-9]+$/.test(maxAge) ? Number(maxAge) : 0, ...(scope ? { scope } : {}) });
}

function firstGraphQLError(body: unknown): { message: string; extensions: Record<string, unknown> } | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const { message, extensions } = errors[0] as { message?: unknown; extensions?: Record<string, unknown> };
  if (typeof message !== 'string' || typeof extensions?.code !== 'string') return undefined;
  return { message, extensions };
}
