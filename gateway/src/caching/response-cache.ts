import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { FormattedExecutionResult, Kind, OperationDefinitionNode, OperationTypeNode } from 'graphql';
import type { GatewayContext } from '../edge/request-context';
import { PublicCacheSettings, PublicDataCache } from './public-cache';

/** Response header telling whether an answer came from the cache (`HIT`), was stored (`MISS`) or could not be (absent). */
export const RESPONSE_CACHE_HEADER = 'x-response-cache';

export interface ResponseCacheSettings extends PublicCacheSettings {
  /** Root fields whose whole answer is public data; an operation is cached only when it selects nothing else. */
  rootFields: ReadonlySet<string>;
}

/** Whole answers to anonymous queries of public data (the operation's own root fields say which). */
export class ResponseCache extends PublicDataCache<FormattedExecutionResult> {
  constructor(override readonly settings: ResponseCacheSettings) {
    super(settings);
  }

  /** Keeps `result` unless the cache was invalidated since `generation` was read. */
  set(key: string, result: FormattedExecutionResult, generation: number): boolean {
    const json = JSON.stringify(result);
    // A copy: nothing the storing request does to its answer afterwards can reach later readers.
    return this.put(key, JSON.parse(json) as FormattedExecutionResult, json.length, generation);
  }

  /** Whether this cache answers or keeps the operation for this caller: an anonymous query of public data only, while the cache is on. */
  consults(operation: OperationDefinitionNode | undefined, context: GatewayContext): boolean {
    // Anyone signed in may see more than the public (their own drafts, an admin's view).
    if (
      !this.enabled ||
      !operation ||
      operation.operation !== OperationTypeNode.QUERY ||
      context.viewer ||
      context.authorization
    )
      return false;
    return operation.selectionSet.selections.every(
      (selection) =>
        selection.kind === Kind.FIELD &&
        (selection.name.value === '__typename' || this.settings.rootFields.has(selection.name.value)) &&
        !selection.directives?.length,
    );
  }

  /** The cache key of an operation, or undefined when its answer is not public data. */
  keyOf(
    operation: OperationDefinitionNode | undefined,
    source: string | undefined,
    operationName: string | null | undefined,
    variables: unknown,
    context: GatewayContext,
  ): string | undefined {
    if (!this.consults(operation, context) || source === undefined) return undefined;
    return createHash('sha256')
      .update(JSON.stringify([source, operationName ?? null, variables ?? null]))
      .digest('base64url');
  }
}

/** Serves and stores anonymous public answers around Apollo's execution (after parsing, validation and the limits). */
export function responseCachePlugin(
  cache: ResponseCache,
  onLookup: (result: 'hit' | 'miss') => void = () => undefined,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      if (!cache.enabled) return;
      let key: string | undefined;
      let generation = 0;
      let hit = false;
      return {
        async responseForOperation(requestContext: GraphQLRequestContext<GatewayContext>) {
          const { operation, source, request, contextValue } = requestContext;
          key = cache.keyOf(operation, source, request.operationName, request.variables, contextValue);
          if (key === undefined) return null;
          generation = cache.generation;
          const result = cache.get(key);
          if (!result) return null;
          hit = true;
          onLookup('hit');
          return { http: requestContext.response.http, body: { kind: 'single', singleResult: result } };
        },
        async willSendResponse({ response }) {
          if (key === undefined) return;
          if (hit) {
            response.http.headers.set(RESPONSE_CACHE_HEADER, 'HIT');
            return;
          }
          onLookup('miss');
          const body = response.body;
          const ok =
            body.kind === 'single' &&
            !body.singleResult.errors &&
            body.singleResult.data &&
            (response.http.status ?? 200) === 200;
          if (ok && cache.set(key, body.singleResult, generation))
            response.http.headers.set(RESPONSE_CACHE_HEADER, 'MISS');
        },
      };
    },
  };
}
