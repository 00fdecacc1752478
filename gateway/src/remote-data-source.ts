import { GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { Headers, Logger } from '@marketplace/kit';
import type { GatewayContext } from './context';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/** Code the kit's error formatter passes through for a subgraph the gateway could not use. */
export const DOWNSTREAM_SERVICE_ERROR = 'DOWNSTREAM_SERVICE_ERROR';

/**
 * One subgraph as the gateway calls it: forwards who is asking (the verified token),
 * which request this is and from where, and turns transport failures into a clean
 * error instead of Apollo's default, which would echo the subgraph URL and raw body.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    fetcher: Fetcher,
    private readonly log: Logger,
  ) {
    super({ url, fetcher });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loading carry no incoming request (the enum telling them apart is not exported).
    if (!('incomingRequestContext' in options)) return;
    const { context, request } = options;
    const headers = request.http?.headers;
    if (!headers) return;
    headers.set(Headers.requestId, context.requestId);
    headers.set(Headers.clientIp, context.clientIp);
    if (context.authorization) headers.set(Headers.authorization, context.authorization);
  }

  /** A non-2xx answer: keep the subgraph's own GraphQL error when it sent one, never its URL. */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = await this.parseBody(response).catch(() => undefined);
    const first = firstGraphQLError(body);
    if (first) return new GraphQLError(first.message, { extensions: first.extensions });
    return new GraphQLError(`The ${this.name} service answered HTTP ${response.status}`, { extensions: { code: DOWNSTREAM_SERVICE_ERROR } });
  }

  override didEncounterError(error: Error, _request: unknown, _response?: FetcherResponse, context?: GatewayContext): never {
    const log = context?.log ?? this.log;
    if (error instanceof GraphQLError) {
      log.warn({ subgraph: this.name, code: error.extensions.code, message: error.message }, 'subgraph request failed');
      throw error;
    }
    log.warn({ subgraph: this.name, err: error.message }, 'subgraph unreachable');
    throw new GraphQLError('A backing service is unavailable; try again shortly', { extensions: { code: DOWNSTREAM_SERVICE_ERROR } });
  }
}

function firstGraphQLError(body: unknown): { message: string; extensions: Record<string, unknown> } | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const { message, extensions } = errors[0] as { message?: unknown; extensions?: Record<string, unknown> };
  if (typeof message !== 'string' || typeof extensions?.code !== 'string') return undefined;
  return { message, extensions };
}
