import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { FormattedExecutionResult, OperationDefinitionNode } from 'graphql';
import type { GatewayContext } from './context';

/** Response header telling whether an answer came from the cache (`HIT`), was stored (`MISS`) or could not be (absent). */
export const RESPONSE_CACHE_HEADER = 'x-response-cache';

export interface ResponseCacheSettings {
  /** How long an answer may be served; it also bounds staleness should a change notice be lost. 0 turns the cache off. */
  ttlSeconds: number;
  maxEntries: number;
  /** Larger answers are not kept (a cache full of a few huge pages helps nobody). */
  maxEntryBytes: number;
  /** Root fields whose whole answer is public data; an operation is cached only when it selects nothing else. */
  rootFields: ReadonlySet<string>;
}

interface Entry {
  result: FormattedExecutionResult;
  expiresAtMs: number;
}

/**
 * Whole answers to anonymous queries of public data, in this gateway's memory. Subgraphs
 * announce every committed change to public data on the change feed (topic
 * `public-data`); `invalidate()` then drops everything. An answer computed while a change
 * was being announced is not kept: each request notes the generation when it starts and
 * stores only if no invalidation came in between, so a change is never hidden by an answer
 * read just before it. Oldest entries go first once `maxEntries` is reached.
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private generationCount = 0;
  /** Off until the change feed confirms the subscription: an answer kept before could miss its change's notice. */
  private listening = false;

  constructor(readonly settings: ResponseCacheSettings) {}

  get enabled(): boolean {
    return this.settings.ttlSeconds > 0;
  }

  get generation(): number {
    return this.generationCount;
  }

  get size(): number {
    return this.entries.size;
  }

  /** From now on change notices arrive: answers may be kept. */
  listen(): void {
    this.listening = true;
    this.invalidate();
  }

  invalidate(): void {
    this.generationCount += 1;
    this.entries.clear();
  }

  get(key: string): FormattedExecutionResult | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.result;
  }

  /** Keeps `result` unless the cache was invalidated since `generation` was read. */
  set(key: string, result: FormattedExecutionResult, generation: number): boolean {
    if (!this.listening || generation !== this.generationCount) return false;
    const json = JSON.stringify(result);
    if (json.length > this.settings.maxEntryBytes) return false;
    this.entries.delete(key);
    if (this.entries.size >= this.settings.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    // A copy: nothing the storing request does to its answer afterwards can reach later readers.
    this.entries.set(key, { result: JSON.parse(json) as FormattedExecutionResult, expiresAtMs: Date.now() + this.settings.ttlSeconds * 1000 });
    return true;
  }

  /** The cache key of an operation, or undefined when its answer is not public data. */
  keyOf(operation: OperationDefinitionNode | undefined, source: string | undefined, operationName: string | null | undefined, variables: unknown, context: GatewayContext): string | undefined {
    // Anyone signed in may see more than the public (their own drafts, an admin's view).
    if (!operation || operation.operation !== 'query' || context.viewer || context.authorization || source === undefined) return undefined;
    const publicOnly = operation.selectionSet.selections.every(
      (selection) => selection.kind === 'Field' && (selection.name.value === '__typename' || this.settings.rootFields.has(selection.name.value)) && !selection.directives?.length,
    );
    if (!publicOnly) return undefined;
    return createHash('sha256').update(JSON.stringify([source, operationName ?? null, variables ?? null])).digest('base64url');
  }
}

/** Serves and stores anonymous public answers around Apollo's execution (after parsing, validation and the limits). */
export function responseCachePlugin(cache: ResponseCache, onLookup: (result: 'hit' | 'miss') => void = () => undefined): ApolloServerPlugin<GatewayContext> {
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
          const ok = body.kind === 'single' && !body.singleResult.errors && body.singleResult.data && (response.http.status ?? 200) === 200;
          if (ok && cache.set(key, body.singleResult, generation)) response.http.headers.set(RESPONSE_CACHE_HEADER, 'MISS');
        },
      };
    },
  };
}
