/**
 * Our gateway as production runs it (gateway/src/main.ts), but on the benchmark's
 * supergraph and subgraphs. The only change: no rate limit, because every request of the
 * load generator comes from one IP and a handful of users and would be answered 429.
 */
import { envReader } from '@marketplace/kit';
import { startGateway, subgraphEnvPrefix } from '@marketplace/gateway';
import { runPeer } from '../gateways';

runPeer('ours', async ({ supergraphPath, subgraphUrls, port, host }) => {
  const urls = Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, url]) => [`${subgraphEnvPrefix(name)}_URL`, url]),
  );
  const gateway = await startGateway({
    env: envReader({ ...process.env, SUPERGRAPH_PATH: supergraphPath, ...urls, RATE_LIMIT_ENABLED: 'false' }),
    port,
    host,
  });
  return { url: gateway.url, close: () => gateway.close() };
});
