/**
 * The supergraph benchmark: the operations frontends send, on the realistic data set, through
 * our gateway, a stock @apollo/gateway and Hive Gateway, and straight to the subgraph that
 * owns each operation's root field.
 *
 *   npm run build && node scripts/dist/bench/supergraph-bench.js
 *
 * One process holds every subgraph (on a fresh database loaded with dataset.ts); each gateway
 * runs in its own process (gateways.ts), and so does the load generator (worker.ts). Every
 * response is checked against the data our gateway returned before the runs. Per operation it
 * prints requests/s, p50 and p99 at each client count for each target, the ratios the
 * performance targets are stated in, SQL statements and planned subgraph fetches, a stress
 * run per gateway, and (BENCH_SOAK_S) the gateway's memory under sustained load. Writes the
 * report to scripts/bench-supergraph-results.md; exits 1 when any request failed.
 *
 * Settings (environment):
 *   BENCH_SCALE            data set scale (default 1: 50,000 products, 100,000 orders)
 *   BENCH_DURATION_S       measured seconds per run (default 5), after BENCH_WARMUP_S (default 1)
 *   BENCH_CONCURRENCY      client counts (default 1,10,50)
 *   BENCH_STRESS_CLIENTS   clients of the stress run, 0 to skip (default 100), BENCH_STRESS_S long (default 3)
 *   BENCH_GATEWAYS         which gateways (default ours,apollo,hive)
 *   BENCH_OPERATIONS       which operations by name (default all: ProductCard, Storefront, …)
 *   BENCH_HOP              also send the direct calls through a pass-through proxy, the floor of any gateway (default true)
 *   BENCH_PROFILE_DIR      write a V8 CPU profile of each gateway there (node --cpu-prof)
 *   BENCH_SOAK_S           seconds of mixed load on our gateway, sampling its RSS (default 0: skip)
 *   DATABASE_URL           Postgres server (default: embedded); AMQP_URL, REDIS_URL as the subgraphs use them
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { envReader } from '@marketplace/kit';
import { GATEWAY_NODE_FLAGS } from '@marketplace/gateway';
import { SUPERGRAPH_PATH } from '../testing/query-plan';
import { costOf, quiesce, statementCounts } from '../testing/statements';
import { startTestSupergraph } from '../testing/supergraph';
import { DatasetDatabases, SUBGRAPH_NAMES, analyzeDataset, loadDataset } from './dataset';
import { GATEWAY_TITLES, GatewayKind, GatewayProcess, startGatewayProcess } from './gateways';
import { concurrencyList, ensureDatabaseServer, forkLoadGenerator, log, machineLine, report, runInWorker } from './harness';
import { renderReport, rowErrors, Row, SoakResult, StressRow, CostRow } from './supergraph-report';
import type { BenchRequest, Job } from './protocol';
import { buildScenarios, dataOf } from './scenarios';
import type { RunSummary } from './stats';

const RESULTS_PATH = resolve(__dirname, '..', '..', 'bench-supergraph-results.md');
const REQUEST_TIMEOUT_MS = 10_000;
const SOAK_CLIENTS = 50;
const SOAK_SAMPLE_MS = 5_000;
/** The memory target compares RSS after this long under load with RSS at the end. */
const SOAK_BASELINE_MS = 60_000;
/** RSS breathes by about ±5 % between collections: each end of the comparison is the median of the samples of a window this wide. */
const SOAK_WINDOW_MS = 30_000;
const ALL_GATEWAYS: GatewayKind[] = ['ours', 'apollo', 'hive'];

async function main(): Promise<number> {
  const env = envReader();
  const settings = {
    scale: Number(env.string('BENCH_SCALE', '1')),
    durationMs: env.int('BENCH_DURATION_S', 5, { min: 1, max: 600 }) * 1000,
    warmupMs: env.int('BENCH_WARMUP_S', 1, { min: 0, max: 60 }) * 1000,
    levels: concurrencyList(env.list('BENCH_CONCURRENCY', ['1', '10', '50']), 'BENCH_CONCURRENCY'),
    stressClients: env.int('BENCH_STRESS_CLIENTS', 100, { min: 0, max: 1000 }),
    stressMs: env.int('BENCH_STRESS_S', 3, { min: 1, max: 600 }) * 1000,
    gateways: env.list('BENCH_GATEWAYS', ALL_GATEWAYS).map((kind) => {
      if (!ALL_GATEWAYS.includes(kind as GatewayKind)) throw new Error(`config: BENCH_GATEWAYS lists "${kind}"; known: ${ALL_GATEWAYS.join(', ')}`);
      return kind as GatewayKind;
    }),
    operations: env.list('BENCH_OPERATIONS', []),
    hop: env.bool('BENCH_HOP', true),
    soakMs: env.int('BENCH_SOAK_S', 0, { min: 0, max: 3600 }) * 1000,
  };
  const loadBefore = loadavg()[0];
  if (loadBefore > availableParallelism() / 2) log(`bench: warning: load average ${loadBefore.toFixed(2)} before start, other processes will skew the numbers`);

  const database = await ensureDatabaseServer('bench-supergraph');
  const stops: (() => Promise<unknown>)[] = [() => database.stop()];
  stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((error) => log(`bench: cleanup step failed: ${String(error)}`));
  };
  try {
    const supergraph = await startTestSupergraph({ LOG_LEVEL: 'warn', PASSWORD_HASH_COST: '10', ORDER_EXPIRY_CHECK_SECONDS: '3600' });
    stops.push(() => supergraph.close());
    const dbs = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, supergraph.subgraphs.get(name)!.deps.db])) as DatasetDatabases;
    const dataset = await loadDataset(dbs, settings.scale, log, { passwordHashCost: 10 });
    await analyzeDataset(dbs);

    const scenarios = (await buildScenarios(supergraph, dbs)).filter((s) => settings.operations.length === 0 || settings.operations.includes(s.operation.name));
    await quiesce(supergraph);
    const costs: CostRow[] = [];
    for (const scenario of scenarios) {
      const [request] = scenario.requests;
      const { cost } = await costOf(supergraph, (requestId) => dataOf(supergraph.client.url, request.body, { ...request.headers, 'x-request-id': requestId }, 'cost measurement'));
      costs.push({ operation: scenario.operation.title, pageSize: scenario.pageSize, statements: statementCounts(cost), fetches: scenario.fetches });
    }

    const subgraphUrls = Object.fromEntries([...supergraph.subgraphs].map(([name, subgraph]) => [name, subgraph.url]));
    const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
    const gateways: GatewayProcess[] = [];
    for (const kind of settings.gateways) {
      const profileDir = env.optionalString('BENCH_PROFILE_DIR');
      const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`, `--cpu-prof-name=${kind}.cpuprofile`] : [];
      // Ours runs as it is deployed; the peers with their own defaults.
      const execArgv = kind === 'ours' ? [...GATEWAY_NODE_FLAGS, ...profiling] : profiling;
      const gateway = await startGatewayProcess(kind, { supergraphSdl, subgraphUrls, env: { LOG_LEVEL: 'warn' }, execArgv });
      stops.push(() => gateway.close());
      gateways.push(gateway);
      log(`bench: ${GATEWAY_TITLES[kind]} at ${gateway.url} (pid ${gateway.pid})`);
    }
    const hop = settings.hop ? await startGatewayProcess('hop', { supergraphSdl, subgraphUrls }) : undefined;
    if (hop) stops.push(() => hop.close());
    const worker = forkLoadGenerator();
    stops.push(async () => worker.exitCode === null && worker.signalCode === null && worker.kill());
    const run = (url: string, requests: BenchRequest[], concurrency: number, durationMs = settings.durationMs): Promise<RunSummary> =>
      runInWorker(worker, { url, requests, concurrency, warmupMs: settings.warmupMs, durationMs, timeoutMs: REQUEST_TIMEOUT_MS } satisfies Job);

    const rows: Row[] = [];
    for (const scenario of scenarios) {
      const title = scenario.operation.title;
      for (const clients of settings.levels) {
        // Level by level, every target in turn: drift of the shared machine hits all of them alike.
        // This process hosts the subgraphs: its CPU over a direct run is what the subgraph spent.
        const subgraphCpuBefore = process.cpuUsage();
        const direct = await run(supergraph.subgraphs.get(scenario.direct.subgraph)!.url, scenario.direct.requests, clients);
        const subgraphCpu = process.cpuUsage(subgraphCpuBefore);
        const directCpuMs = perResponse((subgraphCpu.user + subgraphCpu.system) / 1000, direct);
        report(title, scenario.direct.subgraph, clients, direct, directCpuMs);
        const viaHop = hop && (await run(`${hop.url}/${scenario.direct.subgraph}`, scenario.direct.requests, clients));
        if (viaHop) report(title, 'one hop', clients, viaHop);
        const byGateway: Partial<Record<GatewayKind, RunSummary>> = {};
        const gatewayCpuMs: Partial<Record<GatewayKind, number>> = {};
        for (const gateway of gateways) {
          const cpuBefore = gateway.cpuMs();
          const summary = await run(gateway.url, scenario.requests, clients);
          byGateway[gateway.kind] = summary;
          gatewayCpuMs[gateway.kind] = perResponse(gateway.cpuMs() - cpuBefore, summary);
          report(title, gateway.kind, clients, summary, gatewayCpuMs[gateway.kind]);
        }
        rows.push({ operation: title, clients, directSubgraph: scenario.direct.subgraph, direct, hop: viaHop, directCpuMs, gateways: byGateway, gatewayCpuMs });
      }
    }

    const stress: StressRow[] = [];
    if (settings.stressClients > 0) {
      for (const scenario of scenarios) {
        for (const gateway of gateways) {
          const summary = await run(gateway.url, scenario.requests, settings.stressClients, settings.stressMs);
          report(scenario.operation.title, gateway.kind, settings.stressClients, summary);
          stress.push({ operation: scenario.operation.title, gateway: gateway.kind, clients: settings.stressClients, summary });
        }
      }
    }

    const ours = gateways.find((gateway) => gateway.kind === 'ours');
    const soak = settings.soakMs > 0 && ours ? await soakTest(ours, interleave(scenarios.map((s) => s.requests)), settings.soakMs, (requests, ms) => run(ours.url, requests, SOAK_CLIENTS, ms)) : undefined;

    const markdown = renderReport({ settings, rows, stress, costs, soak, dataset: dataset.counts, databaseKind: database.kind, loadBefore, machine: machineLine() });
    process.stdout.write(`\n${markdown}`);
    writeFileSync(RESULTS_PATH, markdown);
    log(`bench: written to ${RESULTS_PATH}`);
    const failed = rows.reduce((sum, row) => sum + rowErrors(row), 0) + stress.reduce((sum, row) => sum + row.summary.errors, 0);
    if (failed > 0) log(`bench: ${failed} requests failed (see the errors columns)`);
    return failed > 0 ? 1 : 0;
  } finally {
    await stopAll();
  }
}

/** CPU ms spent per response of a run, warm-up included (the CPU counters cover both). */
function perResponse(cpuMs: number, summary: RunSummary): number {
  const responses = summary.warmupResponses + summary.ok + summary.errors;
  return responses > 0 ? cpuMs / responses : Number.NaN;
}

/** Mixed traffic: request i of every operation, then request i + 1, … */
function interleave(lists: BenchRequest[][]): BenchRequest[] {
  const longest = Math.max(...lists.map((list) => list.length));
  return Array.from({ length: longest }, (_, i) => lists.map((list) => list[i % list.length])).flat();
}

/** Mixed load for `durationMs`, sampling the gateway's RSS meanwhile. */
async function soakTest(gateway: GatewayProcess, requests: BenchRequest[], durationMs: number, load: (requests: BenchRequest[], ms: number) => Promise<RunSummary>): Promise<SoakResult> {
  const samples: { atMs: number; rssBytes: number }[] = [{ atMs: 0, rssBytes: gateway.rssBytes() }];
  const started = Date.now();
  const cpuBefore = gateway.cpuMs();
  const sampler = setInterval(() => samples.push({ atMs: Date.now() - started, rssBytes: gateway.rssBytes() }), SOAK_SAMPLE_MS);
  log(`bench: soak, ${SOAK_CLIENTS} clients on our gateway for ${durationMs / 1000} s`);
  try {
    const summary = await load(requests, durationMs);
    const cpuMsPerResponse = perResponse(gateway.cpuMs() - cpuBefore, summary);
    samples.push({ atMs: Date.now() - started, rssBytes: gateway.rssBytes() });
    const baselineAt = Math.min(SOAK_BASELINE_MS, durationMs);
    const lastAt = samples[samples.length - 1].atMs;
    return {
      durationMs,
      clients: SOAK_CLIENTS,
      summary,
      samples,
      baseline: medianRss(samples, baselineAt - SOAK_WINDOW_MS / 2, baselineAt + SOAK_WINDOW_MS / 2),
      end: medianRss(samples, lastAt - SOAK_WINDOW_MS, lastAt),
      windowMs: SOAK_WINDOW_MS,
      cpuMsPerResponse,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** The median RSS of the samples taken between `fromMs` and `toMs`, dated at the window's middle. */
function medianRss(samples: { atMs: number; rssBytes: number }[], fromMs: number, toMs: number): { atMs: number; rssBytes: number } {
  const inWindow = samples.filter((sample) => sample.atMs >= fromMs && sample.atMs <= toMs);
  const chosen = inWindow.length > 0 ? inWindow : [samples[samples.length - 1]];
  const sorted = chosen.map((sample) => sample.rssBytes).sort((a, b) => a - b);
  return { atMs: Math.round((fromMs + toMs) / 2), rssBytes: sorted[Math.floor(sorted.length / 2)] };
}

/** Stops every process and server the run started; set once start-up begins. */
let stopAll: () => Promise<void> = async () => undefined;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`bench: ${signal}, stopping`);
    void stopAll().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  },
);
