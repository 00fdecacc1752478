/**
 * Hive Gateway with its defaults, started the way Hive's docs show for programmatic use on
 * Node: createGatewayRuntime from @graphql-hive/gateway-runtime (the runtime the
 * @graphql-hive/gateway CLI package wraps; importing the CLI package would also load its
 * Redis/NATS/Prometheus/OpenTelemetry integrations, ~75 MB of RSS this setup never uses),
 * served by node:http on /graphql.
 *
 * What is set, and why:
 * - supergraph: the rewritten SDL file. A file is read once; Hive polls only when given a
 *   pollingInterval, which is left unset. No reporting, CDN or GraphOS options: nothing
 *   leaves the machine.
 * - propagateHeaders: forwards the caller's Authorization header, as the other two do
 *   (Hive forwards no client headers by default, and the subgraphs check the token).
 * - hmacSignature: Hive's own HMAC upstream signature with SUBGRAPH_SIGNING_SECRET (the
 *   parent passes the subgraphs' one), without which the subgraphs refuse `_entities`.
 *   Hive signs the body only, so the subgraphs see its socket address as the client IP.
 * - logging: the run's LOG_LEVEL mapped to Hive's levels. Hive reads LOG_LEVEL itself but
 *   rejects our `fatal` and `silent`.
 * - the supergraph is loaded before `ready` is reported: Hive loads it on the first
 *   request, which would otherwise be timed by the benchmark.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { peerSigningSecret, runPeer } from '../gateways';

type HiveLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | false;

const HIVE_LOG_LEVELS: Record<string, HiveLogLevel> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'error',
  silent: false,
};

runPeer('hive', async ({ supergraphPath, port, host }) => {
  const runtime = createGatewayRuntime({
    supergraph: supergraphPath,
    logging: HIVE_LOG_LEVELS[process.env.LOG_LEVEL ?? 'info'] ?? 'info',
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') ?? undefined }),
    },
    hmacSignature: { secret: peerSigningSecret() },
  });
  await runtime.getSchema();
  const server = createServer(runtime.requestListener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${actualPort}${runtime.graphqlEndpoint}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
});
