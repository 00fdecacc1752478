/**
 * What tracing costs per operation: the gateway and the users subgraph in this process,
 * `BENCH_REQUESTS` `me` queries through the gateway (`BENCH_CLIENTS` at a time), and the
 * process's CPU time per request, which a busy machine disturbs far less than throughput.
 *
 *   node bench/dist/tracing-overhead.js                                       # no tracing loaded
 *   node -r ./kit/dist/tracing/register.js bench/dist/tracing-overhead.js     # ids only (the default)
 *   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 node -r ./kit/dist/tracing/register.js bench/dist/tracing-overhead.js
 *
 * The last needs an OTLP receiver there (any HTTP server answering 200 will do).
 */
import { envReader } from '@marketplace/kit';
import { startStack } from './stack';

async function main(): Promise<void> {
  const env = envReader();
  const total = env.int('BENCH_REQUESTS', 3000, { min: 100, max: 1_000_000 });
  const clients = env.int('BENCH_CLIENTS', 10, { min: 1, max: 500 });
  const stack = await startStack({ userCount: 10, passwordHashCost: 10, logLevel: 'warn' });
  try {
    const token = stack.users[0].token;
    const send = async () => {
      const response = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { id email displayName } }' }),
      });
      const body = (await response.json()) as { data?: { me?: { id: string } } };
      if (!body.data?.me?.id) throw new Error(`unexpected answer: ${JSON.stringify(body)}`);
    };
    const run = async (count: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (next++ < count) await send();
        }),
      );
    };
    await run(Math.min(500, total)); // warm-up: JIT, pools, caches
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    await run(total);
    const elapsedMs = performance.now() - startedAt;
    const cpu = process.cpuUsage(cpuBefore);
    const mode = process.env.OTEL_EXPORTER_OTLP_ENDPOINT
      ? 'exporting'
      : require.cache[require.resolve('@marketplace/kit/tracing')]
        ? 'ids only'
        : 'no tracing';
    process.stdout.write(
      `${mode}: ${total} requests, ${clients} clients: ${((cpu.user + cpu.system) / 1000 / total).toFixed(3)} ms CPU/request, ${((total / elapsedMs) * 1000).toFixed(0)} req/s\n`,
    );
  } finally {
    await stack.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
