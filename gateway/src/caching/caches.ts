import type { ApolloServerPlugin } from '@apollo/server';
import { ChangeFeed, ChangeTopics, Logger, Metrics } from '@marketplace/kit';
import type { GatewayConfig } from '../config';
import type { GatewayContext } from '../edge/request-context';
import type { SubgraphAnswer } from '../subgraph-io/subgraph-fetcher';
import { PublicDataCache } from './public-cache';
import { ResponseCache, responseCachePlugin } from './response-cache';

/** The gateway's two caches of public data, with their metrics. */
export interface GatewayCaches {
  /** Whole answers to anonymous queries of public data. */
  responseCache: ResponseCache;
  /** Serves and stores `responseCache`'s answers inside Apollo Server's pipeline. */
  responseCachePlugin: ApolloServerPlugin<GatewayContext>;
  /** Subgraph answers their subgraph declared public, shared by every viewer. */
  subgraphCache: PublicDataCache<SubgraphAnswer>;
  /** Counts one read looked up in `subgraphCache`. */
  onSubgraphCacheLookup(result: 'hit' | 'miss'): void;
}

export function buildCaches(config: GatewayConfig, metrics: Metrics): GatewayCaches {
  const responseCache = new ResponseCache(config.responseCache);
  const responseLookups = metrics.counter(
    'gateway_response_cache_lookups_total',
    'Anonymous public operations looked up in the response cache, by result',
    ['result'],
  );
  metrics.gauge('gateway_response_cache_entries', 'Answers held in the response cache', () => responseCache.size);

  const subgraphCache = new PublicDataCache<SubgraphAnswer>(config.subgraphCache);
  const subgraphLookups = metrics.counter(
    'gateway_subgraph_cache_lookups_total',
    'Subgraph reads looked up among the public answers kept, by result',
    ['result'],
  );
  metrics.gauge('gateway_subgraph_cache_entries', 'Public subgraph answers held', () => subgraphCache.size);

  return {
    responseCache,
    responseCachePlugin: responseCachePlugin(responseCache, (result) => responseLookups.inc({ result })),
    subgraphCache,
    onSubgraphCacheLookup: (result) => subgraphLookups.inc({ result }),
  };
}

/**
 * Empties both caches on every `public-data` change notice. Neither keeps anything until the
 * subscription is confirmed, since a value kept before could miss its change's notice.
 */
export function invalidateOnChangeNotices(caches: GatewayCaches, changes: ChangeFeed, log: Logger): void {
  const enabled = [caches.responseCache, caches.subgraphCache].filter((cache) => cache.enabled);
  if (enabled.length === 0) return;
  // Not awaited: a Redis that is down must not hold up start-up; the caches keep nothing until this resolves.
  changes
    .subscribe(ChangeTopics.publicData, () => enabled.forEach((cache) => cache.invalidate()))
    .then(
      () => enabled.forEach((cache) => cache.listen()),
      (error: unknown) => log.warn({ err: error }, 'public data caches off: no change notices'),
    );
}
