/** The supergraph benchmark's report, as Markdown. Pure: numbers in, text out. */
import type { PlannedFetch } from '@marketplace/e2e/testing';
import type { CpuShares } from './cpu';
import type { DatasetCounts } from './dataset';
import { GATEWAY_TITLES, GatewayKind } from './gateways';
import { num } from './harness';
import { RunSummary, ratio } from './stats';

export interface Row {
  operation: string;
  clients: number;
  /** The subgraph the direct run called: the owner of the operation's root field. */
  directSubgraph: string;
  direct: RunSummary;
  /** The same direct calls through a pass-through proxy (BENCH_HOP): the least any gateway adds. */
  hop?: RunSummary;
  /** CPU ms the subgraphs spent per direct request. */
  directCpuMs: number;
  /** CPU ms the pass-through proxy spent per request. */
  hopCpuMs?: number;
  gateways: Partial<Record<GatewayKind, RunSummary>>;
  /** CPU ms each gateway process spent per request (its own work only: subgraphs run elsewhere). */
  gatewayCpuMs: Partial<Record<GatewayKind, number>>;
  /** CPU ms per request through each gateway of every process it woke on this machine. */
  machineCpuMs: Partial<Record<GatewayKind, CpuShares>>;
}

export interface StressRow {
  operation: string;
  gateway: GatewayKind;
  clients: number;
  summary: RunSummary;
}

export interface CostRow {
  operation: string;
  pageSize: number;
  /** Subgraph → SQL statements one request cost. */
  statements: Record<string, number>;
  fetches: PlannedFetch[];
}

export interface SoakResult {
  durationMs: number;
  clients: number;
  summary: RunSummary;
  samples: { atMs: number; rssBytes: number }[];
  baseline: { atMs: number; rssBytes: number };
  end: { atMs: number; rssBytes: number };
  /** Each of `baseline` and `end` is the median of the samples in a window this wide. */
  windowMs: number;
  /** The gateway's CPU time per response over the soak: what a smaller heap costs in collections shows here. */
  cpuMsPerResponse: number;
}

export interface ReportInput {
  settings: {
    scale: number;
    durationMs: number;
    warmupMs: number;
    rounds: number;
    sliceWarmupMs: number;
    gateways: GatewayKind[];
  };
  rows: Row[];
  stress: StressRow[];
  costs: CostRow[];
  soak?: SoakResult;
  dataset: DatasetCounts;
  databaseKind: string;
  loadBefore: number;
  machine: string;
  /** The cores every process of the run shared. */
  cores: number;
}

const MIB = 2 ** 20;

export function renderReport(input: ReportInput): string {
  const { settings, dataset } = input;
  return [
    `### Supergraph benchmark (${new Date().toISOString().slice(0, 10)})`,
    '',
    `Machine: ${input.machine}; load average (1 min) ${input.loadBefore.toFixed(2)} before the run.`,
    `Data set at scale ${settings.scale}: ${dataset.products.toLocaleString('en')} products in ${dataset.categories} categories from ${dataset.vendors.toLocaleString('en')} vendors, ` +
      `${dataset.users.toLocaleString('en')} users, ${dataset.orders.toLocaleString('en')} orders (Postgres: ${input.databaseKind === 'embedded' ? 'embedded' : 'DATABASE_URL server'}).`,
    `Subgraphs in one process, each gateway in its own, the load generator in another; keep-alive, each client one request at a time, ` +
      `${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s measured per target and client count, in ${settings.rounds} slices with every target in turn ` +
      `(${settings.sliceWarmupMs / 1000} s warm-up before each later slice), so that the machine's drift lands on all targets alike. Every response is compared with the data our gateway returned before the runs.`,
    `Cells are req/s · p50 ms · p99 ms. "direct" calls the subgraph owning the root field with the plan's first fetch (its share of the operation); ` +
      `"one hop" sends the same calls through a pass-through proxy in a process of its own, which forwards bytes and does no GraphQL work: the floor of any gateway.`,
    '',
    ...latencyTable(input),
    '',
    ...ratioTable(input),
    '',
    ...cpuTable(input),
    '',
    ...machineCpuTable(input.rows, input.cores),
    '',
    ...stressTable(input.stress),
    '',
    ...costTable(input.costs),
    '',
    ...soakLines(input.soak),
  ].join('\n');
}

function table(header: string[], lines: (string | number)[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...lines.map((line) => `| ${line.join(' | ')} |`),
  ];
}

const cell = (summary: RunSummary | undefined) =>
  summary ? `${num(summary.rps)} · ${num(summary.p50)} · ${num(summary.p99)}` : '–';
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');

/** Failed requests of one row: the direct run, the proxy's and every gateway's. */
export function rowErrors(row: Row): number {
  return [row.direct, row.hop, ...Object.values(row.gateways)].reduce(
    (sum, summary) => sum + (summary?.errors ?? 0),
    0,
  );
}

function latencyTable({ rows, settings }: ReportInput): string[] {
  const withHop = rows.some((row) => row.hop);
  return table(
    [
      'operation',
      'clients',
      'direct',
      ...(withHop ? ['one hop'] : []),
      ...settings.gateways.map((kind) => GATEWAY_TITLES[kind]),
      'errors',
    ],
    rows.map((row) => [
      row.operation,
      row.clients,
      `${cell(row.direct)} (${row.directSubgraph})`,
      ...(withHop ? [cell(row.hop)] : []),
      ...settings.gateways.map((kind) => cell(row.gateways[kind])),
      rowErrors(row),
    ]),
  );
}

function ratioTable({ rows }: ReportInput): string[] {
  const withHop = rows.some((row) => row.hop);
  return table(
    [
      'operation',
      'clients',
      ...(withHop ? ['one hop p50 ÷ direct p50'] : []),
      'our p50 ÷ direct p50',
      'our req/s ÷ stock Apollo',
      'our req/s ÷ Hive',
      'our p99 ÷ Hive p99',
    ],
    rows.map((row) => {
      const { ours, apollo, hive } = row.gateways;
      return [
        row.operation,
        row.clients,
        ...(withHop ? [times(ratio(row.hop?.p50 ?? NaN, row.direct.p50))] : []),
        times(ratio(ours?.p50 ?? NaN, row.direct.p50)),
        times(ratio(ours?.rps ?? NaN, apollo?.rps ?? NaN)),
        times(ratio(ours?.rps ?? NaN, hive?.rps ?? NaN)),
        times(ratio(ours?.p99 ?? NaN, hive?.p99 ?? NaN)),
      ];
    }),
  );
}

/** CPU per request does not depend on how idle cores wake up, so it moves far less between runs than latency. */
function cpuTable({ rows, settings }: ReportInput): string[] {
  const withHop = rows.some((row) => row.hop);
  const ms = (value: number | undefined) => (value !== undefined && Number.isFinite(value) ? value.toFixed(2) : '–');
  return [
    'CPU per request in ms (each gateway process alone; "subgraph" is what the subgraphs spent on the direct call, "one hop" the proxy):',
    '',
    ...table(
      [
        'operation',
        'clients',
        'subgraph (direct)',
        ...(withHop ? ['one hop'] : []),
        ...settings.gateways.map((kind) => GATEWAY_TITLES[kind]),
        "our CPU ÷ Hive's",
      ],
      rows.map((row) => [
        row.operation,
        row.clients,
        ms(row.directCpuMs),
        ...(withHop ? [ms(row.hopCpuMs)] : []),
        ...settings.gateways.map((kind) => ms(row.gatewayCpuMs[kind])),
        times(ratio(row.gatewayCpuMs.ours ?? NaN, row.gatewayCpuMs.hive ?? NaN)),
      ]),
    ),
  ];
}

/**
 * Where a request through our gateway spends the machine's CPU: every process that served it
 * shares the same cores, so their sum bounds the throughput of the whole machine, and the
 * latency at a client count follows from it.
 */
function machineCpuTable(rows: Row[], cores: number): string[] {
  const measured = rows.filter((row) => row.machineCpuMs.ours);
  if (measured.length === 0) return [];
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '–');
  return [
    `CPU per request through our gateway, every process on this machine (ms; the load generator included, since it shares the cores). "At most" is ${cores} cores ÷ the total:`,
    '',
    ...table(
      ['operation', 'clients', 'gateway', 'subgraphs', 'Postgres', 'load generator', 'total', 'at most (req/s)'],
      measured.map((row) => {
        const shares = row.machineCpuMs.ours!;
        const total = shares.gateway + shares.subgraphs + shares.postgres + shares.generator;
        return [
          row.operation,
          row.clients,
          ms(shares.gateway),
          ms(shares.subgraphs),
          ms(shares.postgres),
          ms(shares.generator),
          ms(total),
          num((cores * 1000) / total),
        ];
      }),
    ),
  ];
}

function stressTable(stress: StressRow[]): string[] {
  if (stress.length === 0) return [];
  return [
    `Stress: ${stress[0].clients} clients per gateway.`,
    '',
    ...table(
      ['operation', 'gateway', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
      stress.map((row) => [
        row.operation,
        GATEWAY_TITLES[row.gateway],
        num(row.summary.rps),
        num(row.summary.p50),
        num(row.summary.p99),
        `${row.summary.errors}${row.summary.errorSamples[0] ? ` (${row.summary.errorSamples[0]})` : ''}`,
      ]),
    ),
  ];
}

function costTable(costs: CostRow[]): string[] {
  const bySubgraph = (counts: Record<string, number>) =>
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
  return [
    'Cost of one request with the caches warm, as the runs saw it (the N+1 test measures them cold and proves they do not grow with the page size):',
    '',
    ...table(
      ['operation', 'page size', 'SQL statements', 'planned fetches', 'plan steps'],
      costs.map((cost) => {
        const fetches: Record<string, number> = {};
        for (const fetch of cost.fetches) fetches[fetch.subgraph] = (fetches[fetch.subgraph] ?? 0) + 1;
        const total = Object.values(cost.statements).reduce((sum, n) => sum + n, 0);
        return [
          cost.operation,
          cost.pageSize,
          `${total} (${bySubgraph(cost.statements)})`,
          `${cost.fetches.length} (${bySubgraph(fetches)})`,
          Math.max(0, ...cost.fetches.map((f) => f.step + 1)),
        ];
      }),
    ),
  ];
}

function soakLines(soak: SoakResult | undefined): string[] {
  if (!soak) return [];
  const growth = ratio(soak.end.rssBytes, soak.baseline.rssBytes) - 1;
  return [
    `Memory: ${soak.clients} clients of mixed operations on our gateway for ${soak.durationMs / 1000} s (${num(soak.summary.rps)} req/s, ${soak.summary.errors} errors, ${soak.cpuMsPerResponse.toFixed(2)} ms of gateway CPU per response): ` +
      `RSS ${(soak.samples[0].rssBytes / MIB).toFixed(0)} MiB before, ${(soak.baseline.rssBytes / MIB).toFixed(0)} MiB after ${Math.round(soak.baseline.atMs / 1000)} s, ` +
      `${(soak.end.rssBytes / MIB).toFixed(0)} MiB after ${Math.round(soak.end.atMs / 1000)} s (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %; each the median of a ${soak.windowMs / 1000} s window of samples).`,
    '',
  ];
}
