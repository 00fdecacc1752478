/**
 * The supergraph benchmark: the operations frontends send, on the realistic data set, through
 * our gateway, a stock @apollo/gateway and Hive Gateway, and straight to the subgraph that
 * owns each operation's root field.
 *
 *   npm run build && node bench/dist/supergraph-bench.js
 *
 * One process holds every subgraph (on a fresh database loaded with dataset.ts); each gateway
 * runs in its own process (gateways.ts), and so does the load generator (worker.ts). Every
 * response is checked against the data our gateway returned before the runs. Per operation it
 * prints requests/s, p50 and p99 at each client count for each target, the ratios the
 * performance targets are stated in, SQL statements and planned subgraph fetches, a stress
 * run per gateway, and (BENCH_SOAK_S) the gateway's memory under sustained load. Writes the
 * report to bench/supergraph-results.md; exits 1 when any request failed.
 *
 * Settings (environment):
 *   BENCH_SCALE            data set scale (default 1: 50,000 products, 100,000 orders)
 *   BENCH_DURATION_S       measured seconds per target and client count (default 5), after BENCH_WARMUP_S (default 1)
 *   BENCH_ROUNDS           slices those seconds are cut into, every target in turn (default 5)
 *   BENCH_CONCURRENCY      client counts (default 1,10,50)
 *   BENCH_STRESS_CLIENTS   clients of the stress run, 0 to skip (default 100), BENCH_STRESS_S long (default 3)
 *   BENCH_GATEWAYS         which gateways (default ours,apollo,hive)
 *   BENCH_OPERATIONS       which operations by name (default all: ProductCard, Storefront, …)
 *   BENCH_HOP              also send the direct calls through a pass-through proxy, the floor of any gateway (default true)
 *   BENCH_PROFILE_DIR      write a V8 CPU profile of each gateway and of the proxy there (node --cpu-prof)
 *   BENCH_SOAK_S           seconds of mixed load on our gateway, sampling its RSS (default 0: skip)
 *   DATABASE_URL           Postgres server (default: embedded); AMQP_URL, REDIS_URL as the subgraphs use them
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { envReader, loadSubgraphSigningSecret, readCommonConfig } from '@marketplace/kit';
import { isolateTestSessions } from '@marketplace/kit/testing';
import { GATEWAY_NODE_FLAGS } from '@marketplace/gateway';
import { SUPERGRAPH_PATH, costOf, quiesce, startTestSupergraph, statementCounts } from '@marketplace/e2e/testing';
import { DatasetDatabases, SUBGRAPH_NAMES, analyzeDataset, loadDataset } from './dataset';
import { CpuReading, CpuShares, NO_SHARES, addShares, readCpu, spentBetween } from './cpu';
import { GATEWAY_TITLES, GatewayKind, GatewayProcess, startGatewayProcess } from './gateways';
import {
  concurrencyList,
  ensureDatabaseServer,
  forkLoadGenerator,
  log,
  machineLine,
  report,
  runInWorker,
} from './harness';
import { renderReport, rowErrors, Row, StressRow, CostRow } from './supergraph-report';
import type { BenchRequest, Job } from './protocol';
import { buildScenarios, dataOf } from './scenarios';
import { SOAK_CLIENTS, soakTest } from './soak';
import { RunResult, RunSummary, combineRuns, perResponse } from './stats';

const RESULTS_PATH = resolve(__dirname, '..', 'supergraph-results.md');
const REQUEST_TIMEOUT_MS = 10_000;
const ALL_GATEWAYS: GatewayKind[] = ['ours', 'apollo', 'hive'];
/**
 * Before every slice after a target's first: reopens the load generator's keep-alive
 * connections and wakes the processes that idled while the other targets ran; not measured.
 */
const SLICE_WARMUP_MS = 200;
/** The shortest measured slice a round may give each target. */
const MIN_SLICE_MS = 250;

/** Something the benchmark sends an operation to: the owning subgraph, the proxy or a gateway. */
interface Target {
  name: string;
  url: string;
  requests: BenchRequest[];
  /** CPU ms its process has used so far. */
  cpuMs(): number;
  gateway?: GatewayKind;
  /** Through a gateway: what every process on this machine has used so far. */
  readCpu?(): CpuReading;
}

async function main(): Promise<number> {
  // Before any token is made: the run's gateways and subgraphs, in this process and its children, read sessions there.
  isolateTestSessions();
  const env = envReader();
  const warmupMs = env.int('BENCH_WARMUP_S', 1, { min: 0, max: 60 }) * 1000;
  const settings = {
    scale: Number(env.string('BENCH_SCALE', '1')),
    durationMs: env.int('BENCH_DURATION_S', 5, { min: 1, max: 600 }) * 1000,
    warmupMs,
    sliceWarmupMs: Math.min(warmupMs, SLICE_WARMUP_MS),
    levels: concurrencyList(env.list('BENCH_CONCURRENCY', ['1', '10', '50']), 'BENCH_CONCURRENCY'),
    stressClients: env.int('BENCH_STRESS_CLIENTS', 100, { min: 0, max: 1000 }),
    stressMs: env.int('BENCH_STRESS_S', 3, { min: 1, max: 600 }) * 1000,
    gateways: env.list('BENCH_GATEWAYS', ALL_GATEWAYS).map((kind) => {
      if (!ALL_GATEWAYS.includes(kind as GatewayKind))
        throw new Error(`config: BENCH_GATEWAYS lists "${kind}"; known: ${ALL_GATEWAYS.join(', ')}`);
      return kind as GatewayKind;
    }),
    operations: env.list('BENCH_OPERATIONS', []),
    hop: env.bool('BENCH_HOP', true),
    soakMs: env.int('BENCH_SOAK_S', 0, { min: 0, max: 3600 }) * 1000,
    rounds: env.int('BENCH_ROUNDS', 5, { min: 1, max: 100 }),
  };
  if (settings.durationMs / settings.rounds < MIN_SLICE_MS) {
    throw new Error(
      `config: BENCH_DURATION_S / BENCH_ROUNDS gives each target slices of ${settings.durationMs / settings.rounds} ms; at least ${MIN_SLICE_MS} ms`,
    );
  }
  const profileDir = env.optionalString('BENCH_PROFILE_DIR');
  const profilingFlags = (name: string) =>
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  const loadBefore = loadavg()[0];
  if (loadBefore > availableParallelism() / 2)
    log(`bench: warning: load average ${loadBefore.toFixed(2)} before start, other processes will skew the numbers`);

  const database = await ensureDatabaseServer('bench-supergraph');
  const stops: (() => Promise<unknown>)[] = [() => database.stop()];
  stopAll = async () => {
    for (const stop of stops.splice(0).reverse())
      await stop().catch((error) => log(`bench: cleanup step failed: ${String(error)}`));
  };
  try {
    const supergraph = await startTestSupergraph({
      LOG_LEVEL: 'warn',
      PASSWORD_HASH_COST: '10',
      ORDER_EXPIRY_CHECK_SECONDS: '3600',
    });
    stops.push(() => supergraph.close());
    const dbs = Object.fromEntries(
      SUBGRAPH_NAMES.map((name) => [name, supergraph.subgraphs.get(name)!.deps.db]),
    ) as DatasetDatabases;
    const dataset = await loadDataset(dbs, settings.scale, log, { passwordHashCost: 10 });
    await analyzeDataset(dbs);

    const scenarios = (await buildScenarios(supergraph, dbs)).filter(
      (s) => settings.operations.length === 0 || settings.operations.includes(s.operation.name),
    );
    await quiesce(supergraph);
    const costs: CostRow[] = [];
    for (const scenario of scenarios) {
      const [request] = scenario.requests;
      const { cost } = await costOf(supergraph, (requestId) =>
        dataOf(
          supergraph.client.url,
          request.body,
          { ...request.headers, 'x-request-id': requestId },
          'cost measurement',
        ),
      );
      costs.push({
        operation: scenario.operation.title,
        pageSize: scenario.pageSize,
        statements: statementCounts(cost),
        fetches: scenario.fetches,
      });
    }

    const subgraphUrls = Object.fromEntries([...supergraph.subgraphs].map(([name, subgraph]) => [name, subgraph.url]));
    const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
    const gateways: GatewayProcess[] = [];
    // The peers sign subgraph requests with the subgraphs' secret (they load nothing of the kit to find it).
    const signingSecret = loadSubgraphSigningSecret(readCommonConfig());
    for (const kind of settings.gateways) {
      const profiling = profilingFlags(kind);
      // Ours runs as it is deployed; the peers with their own defaults.
      const execArgv = kind === 'ours' ? [...GATEWAY_NODE_FLAGS, ...profiling] : profiling;
      const gateway = await startGatewayProcess(kind, {
        supergraphSdl,
        subgraphUrls,
        env: { LOG_LEVEL: 'warn', SUBGRAPH_SIGNING_SECRET: signingSecret },
        execArgv,
      });
      stops.push(() => gateway.close());
      gateways.push(gateway);
      log(`bench: ${GATEWAY_TITLES[kind]} at ${gateway.url} (pid ${gateway.pid})`);
    }
    const hop = settings.hop
      ? await startGatewayProcess('hop', { supergraphSdl, subgraphUrls, execArgv: profilingFlags('hop') })
      : undefined;
    if (hop) stops.push(() => hop.close());
    const worker = forkLoadGenerator();
    stops.push(async () => worker.exitCode === null && worker.signalCode === null && worker.kill());
    const run = (
      url: string,
      requests: BenchRequest[],
      concurrency: number,
      durationMs = settings.durationMs,
      warmupMs = settings.warmupMs,
    ): Promise<RunResult> =>
      runInWorker(worker, {
        url,
        requests,
        concurrency,
        warmupMs,
        durationMs,
        timeoutMs: REQUEST_TIMEOUT_MS,
      } satisfies Job);
    const sliceMs = Math.round(settings.durationMs / settings.rounds);
    // This process hosts the subgraphs: its CPU over the direct slices is what the subgraph spent.
    const ownCpuMs = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };

    const rows: Row[] = [];
    for (const scenario of scenarios) {
      const title = scenario.operation.title;
      const directUrl = supergraph.subgraphs.get(scenario.direct.subgraph)!.url;
      const targets: Target[] = [
        { name: scenario.direct.subgraph, url: directUrl, requests: scenario.direct.requests, cpuMs: ownCpuMs },
        ...(hop
          ? [
              {
                name: 'one hop',
                url: `${hop.url}/${scenario.direct.subgraph}`,
                requests: scenario.direct.requests,
                cpuMs: () => hop.cpuMs(),
              },
            ]
          : []),
        ...gateways.map((gateway) => ({
          name: gateway.kind,
          url: gateway.url,
          requests: scenario.requests,
          cpuMs: () => gateway.cpuMs(),
          gateway: gateway.kind,
          readCpu: () => readCpu({ gateway: gateway.pid, subgraphs: process.pid, generator: worker.pid! }),
        })),
      ];
      for (const clients of settings.levels) {
        // Every target in turn, slice by slice: drift of the shared machine, which moves a whole
        // run's p50 by ±25 % within seconds, lands on all of them alike and cancels in the ratios.
        const slices = targets.map(() => ({ runs: [] as RunResult[], cpuMs: 0, shares: NO_SHARES }));
        for (let round = 0; round < settings.rounds; round++) {
          for (const [index, target] of targets.entries()) {
            const cpuBefore = target.cpuMs();
            const cpuReading = target.readCpu?.();
            slices[index].runs.push(
              await run(
                target.url,
                target.requests,
                clients,
                sliceMs,
                round === 0 ? settings.warmupMs : settings.sliceWarmupMs,
              ),
            );
            slices[index].cpuMs += target.cpuMs() - cpuBefore;
            if (cpuReading)
              slices[index].shares = addShares(slices[index].shares, spentBetween(cpuReading, target.readCpu!()));
          }
        }
        const measured = targets.map((target, index) => {
          const summary = combineRuns(slices[index].runs);
          const cpuMs = perResponse(slices[index].cpuMs, summary);
          report(title, target.name, clients, summary, cpuMs);
          const { gateway, subgraphs, postgres, generator } = slices[index].shares;
          const perRequest = (ms: number) => perResponse(ms, summary);
          const shares = target.readCpu && {
            gateway: perRequest(gateway),
            subgraphs: perRequest(subgraphs),
            postgres: perRequest(postgres),
            generator: perRequest(generator),
          };
          return { target, summary, cpuMs, shares };
        });
        const [direct, viaHop] = [measured[0], hop ? measured[1] : undefined];
        const byGateway: Partial<Record<GatewayKind, RunSummary>> = {};
        const gatewayCpuMs: Partial<Record<GatewayKind, number>> = {};
        const machineCpuMs: Partial<Record<GatewayKind, CpuShares>> = {};
        for (const { target, summary, cpuMs, shares } of measured) {
          if (!target.gateway) continue;
          byGateway[target.gateway] = summary;
          gatewayCpuMs[target.gateway] = cpuMs;
          if (shares) machineCpuMs[target.gateway] = shares;
        }
        rows.push({
          operation: title,
          clients,
          directSubgraph: scenario.direct.subgraph,
          direct: direct.summary,
          hop: viaHop?.summary,
          directCpuMs: direct.cpuMs,
          hopCpuMs: viaHop?.cpuMs,
          gateways: byGateway,
          gatewayCpuMs,
          machineCpuMs,
        });
      }
    }

    const stress: StressRow[] = [];
    if (settings.stressClients > 0) {
      for (const scenario of scenarios) {
        for (const gateway of gateways) {
          const { summary } = await run(gateway.url, scenario.requests, settings.stressClients, settings.stressMs);
          report(scenario.operation.title, gateway.kind, settings.stressClients, summary);
          stress.push({
            operation: scenario.operation.title,
            gateway: gateway.kind,
            clients: settings.stressClients,
            summary,
          });
        }
      }
    }

    const ours = gateways.find((gateway) => gateway.kind === 'ours');
    const soak =
      settings.soakMs > 0 && ours
        ? await soakTest(
            ours,
            interleave(scenarios.map((s) => s.requests)),
            settings.soakMs,
            async (requests, ms) => (await run(ours.url, requests, SOAK_CLIENTS, ms)).summary,
          )
        : undefined;

    const markdown = renderReport({
      settings,
      rows,
      stress,
      costs,
      soak,
      dataset: dataset.counts,
      databaseKind: database.kind,
      loadBefore,
      machine: machineLine(),
      cores: availableParallelism(),
    });
    process.stdout.write(`\n${markdown}`);
    writeFileSync(RESULTS_PATH, markdown);
    log(`bench: written to ${RESULTS_PATH}`);
    const failed =
      rows.reduce((sum, row) => sum + rowErrors(row), 0) + stress.reduce((sum, row) => sum + row.summary.errors, 0);
    if (failed > 0) log(`bench: ${failed} requests failed (see the errors columns)`);
    return failed > 0 ? 1 : 0;
  } finally {
    await stopAll();
  }
}

/** Mixed traffic: request i of every operation, then request i + 1, … */
function interleave(lists: BenchRequest[][]): BenchRequest[] {
  const longest = Math.max(...lists.map((list) => list.length));
  return Array.from({ length: longest }, (_, i) => lists.map((list) => list[i % list.length])).flat();
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
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
