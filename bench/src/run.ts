/**
 * Benchmark of the supergraph: the gateway against the users subgraph called directly.
 *
 *   npm run build && node bench/dist/run.js
 *
 * Starts its own stack in this process (stack.ts: fresh database on DATABASE_URL, or an
 * embedded Postgres in a temp dir when unset; users subgraph; gateway), forks the load
 * generator (worker.ts) so it never shares an event loop with the servers, runs every
 * operation at every concurrency level against both targets, prints a Markdown table and
 * writes it to bench/results.md. Always stops everything; exits 1 if any request
 * failed, 2 when the whole run overran its time budget.
 *
 * Settings (environment):
 *   BENCH_DURATION_S          measured seconds per run (default 5)
 *   BENCH_WARMUP_S            unmeasured warm-up seconds before each run (default 1)
 *   BENCH_CONCURRENCY         client counts for `me` and `user(id)` (default 1,10,50)
 *   BENCH_LOGIN_CONCURRENCY   client counts for `login`, scrypt at N = 2^15 (default 1,10)
 *   BENCH_USERS               seeded users (default 200); at least the largest login level
 *   BENCH_LOG_LEVEL           log level of the servers (default warn: one log line per operation at info)
 *   DATABASE_URL              Postgres server for the fresh database (default: embedded)
 *   REDIS_URL                 rate-limit counters in Redis (default: in memory)
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { envReader, globalId } from '@marketplace/kit';
import { concurrencyList, forkLoadGenerator, log, machineLine, num, report, runInWorker } from './harness';
import { ANY_STRING, BenchRequest, Job } from './protocol';
import { BenchStack, SeededUser, startStack } from './stack';
import { RunSummary, ratio } from './stats';

const PASSWORD_HASH_COST = 15;
const REQUEST_TIMEOUT_MS = 10_000;
const LOGIN_TIMEOUT_MS = 30_000;
/** Start-up, shutdown and slack on top of the runs themselves. */
const FIXED_BUDGET_MS = 180_000;
const RESULTS_PATH = resolve(__dirname, '..', 'results.md');

const USER_FIELDS = 'id email displayName role';
const expectedUser = (user: SeededUser) => ({
  id: globalId('User', user.id),
  email: user.email,
  displayName: user.displayName,
  role: user.role,
});
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const body = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });

interface Operation {
  name: string;
  levels: number[];
  timeoutMs: number;
  requests(stack: BenchStack): BenchRequest[];
}

function operations(levels: number[], loginLevels: number[]): Operation[] {
  return [
    {
      name: '`me` (authenticated)',
      levels,
      timeoutMs: REQUEST_TIMEOUT_MS,
      requests: ({ users }) =>
        users.map((user) => ({
          body: body(`{ me { ${USER_FIELDS} } }`),
          headers: bearer(user.token),
          expect: { me: expectedUser(user) },
        })),
    },
    {
      name: '`user(id)` as admin',
      levels,
      timeoutMs: REQUEST_TIMEOUT_MS,
      requests: ({ users, admin }) =>
        users.map((user) => ({
          body: body(`query User($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`, { id: globalId('User', user.id) }),
          headers: bearer(admin.token),
          expect: { user: expectedUser(user) },
        })),
    },
    {
      name: '`login` (scrypt 2^15)',
      levels: loginLevels,
      timeoutMs: LOGIN_TIMEOUT_MS,
      // Client i signs in as users i, i + c, …: no two clients share an account (the per-account limit counts attempts).
      requests: ({ users, password }) =>
        users.map((user) => ({
          body: body(
            `mutation Login($email: String!, $password: String!) { login(input: { email: $email, password: $password }) { accessToken refreshToken user { id } } }`,
            {
              email: user.email,
              password,
            },
          ),
          headers: {},
          expect: {
            login: { accessToken: ANY_STRING, refreshToken: ANY_STRING, user: { id: globalId('User', user.id) } },
          },
        })),
    },
  ];
}

interface Row {
  operation: string;
  clients: number;
  direct: RunSummary;
  gateway: RunSummary;
}

async function main(): Promise<number> {
  const env = envReader();
  const durationMs = env.int('BENCH_DURATION_S', 5, { min: 1, max: 600 }) * 1000;
  const warmupMs = env.int('BENCH_WARMUP_S', 1, { min: 0, max: 60 }) * 1000;
  const levels = concurrencyList(env.list('BENCH_CONCURRENCY', ['1', '10', '50']), 'BENCH_CONCURRENCY');
  const loginLevels = concurrencyList(env.list('BENCH_LOGIN_CONCURRENCY', ['1', '10']), 'BENCH_LOGIN_CONCURRENCY');
  const userCount = env.int('BENCH_USERS', 200, { min: Math.max(1, ...loginLevels), max: 100_000 });
  const logLevel = env.oneOf(
    'BENCH_LOG_LEVEL',
    ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const,
    'warn',
  );
  const ops = operations(levels, loginLevels);
  const runCount = ops.reduce((sum, op) => sum + 2 * op.levels.length, 0);
  const budgetMs = FIXED_BUDGET_MS + runCount * (warmupMs + durationMs) * 1.5;
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: overran its ${Math.round(budgetMs / 1000)} s budget, exiting\n`);
    process.exit(2);
  }, budgetMs);
  watchdog.unref();

  const loadBefore = loadavg()[0];
  if (loadBefore > availableParallelism() / 2)
    log(`bench: warning: load average ${loadBefore.toFixed(2)} before start, other processes will skew the numbers`);
  log(
    `bench: ${runCount} runs of ${warmupMs / 1000} + ${durationMs / 1000} s; starting the stack (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded Postgres'})`,
  );
  const stack = await startStack({ userCount, passwordHashCost: PASSWORD_HASH_COST, logLevel });
  const worker = forkLoadGenerator();
  let stopped: Promise<void> | undefined;
  // Idempotent: the signal handler and the normal path may both ask.
  stopAll = () =>
    (stopped ??= (async () => {
      if (worker.exitCode === null && worker.signalCode === null) worker.kill();
      await stack.close();
    })());
  if (interrupted) await new Promise(() => undefined); // the signal handler stops everything and exits
  const rows: Row[] = [];
  try {
    log(`bench: gateway ${stack.gatewayUrl}, users ${stack.usersUrl}, ${userCount} users seeded`);
    for (const op of ops) {
      const requests = op.requests(stack);
      for (const clients of op.levels) {
        const job = (url: string): Job => ({
          url,
          requests,
          concurrency: clients,
          warmupMs,
          durationMs,
          timeoutMs: op.timeoutMs,
        });
        // Direct first, then through the gateway, level by level: any drift hits both alike.
        const { summary: direct } = await runInWorker(worker, job(stack.usersUrl));
        report(op.name, 'direct ', clients, direct);
        const { summary: gateway } = await runInWorker(worker, job(stack.gatewayUrl));
        report(op.name, 'gateway', clients, gateway);
        rows.push({ operation: op.name, clients, direct, gateway });
      }
    }
  } finally {
    await stopAll();
  }
  const markdown = renderMarkdown(rows, {
    durationMs,
    warmupMs,
    userCount,
    logLevel,
    databaseKind: stack.databaseKind,
    loadBefore,
  });
  process.stdout.write(`\n${markdown}`);
  writeFileSync(RESULTS_PATH, markdown);
  log(`bench: written to ${RESULTS_PATH}`);
  const failed = rows.reduce((sum, row) => sum + row.direct.errors + row.gateway.errors, 0);
  if (failed > 0) log(`bench: ${failed} requests failed (see the errors column)`);
  return failed > 0 ? 1 : 0;
}

function renderMarkdown(
  rows: Row[],
  settings: {
    durationMs: number;
    warmupMs: number;
    userCount: number;
    logLevel: string;
    databaseKind: string;
    loadBefore: number;
  },
): string {
  const header =
    '| operation | clients | direct req/s | direct p50 ms | direct p99 ms | gateway req/s | gateway p50 ms | gateway p99 ms | errors direct / gateway | p50 gateway/direct | req/s gateway/direct | load-gen CPU direct / gateway |';
  const lines = rows.map((row) =>
    [
      row.operation,
      row.clients,
      num(row.direct.rps),
      num(row.direct.p50),
      num(row.direct.p99),
      num(row.gateway.rps),
      num(row.gateway.p50),
      num(row.gateway.p99),
      `${row.direct.errors} / ${row.gateway.errors}`,
      `${ratio(row.gateway.p50, row.direct.p50).toFixed(2)}×`,
      `${ratio(row.gateway.rps, row.direct.rps).toFixed(2)}×`,
      `${Math.round(row.direct.generatorCpuPercent)} % / ${Math.round(row.gateway.generatorCpuPercent)} %`,
    ].join(' | '),
  );
  return [
    `### Benchmark: gateway vs users subgraph direct (${new Date().toISOString().slice(0, 10)})`,
    '',
    `Machine: ${machineLine()};` +
      ` load average (1 min) ${settings.loadBefore.toFixed(2)} before the run (anything well above 0 means other processes shared the CPU).`,
    `Stack in one process (users subgraph + gateway, Postgres: ${settings.databaseKind === 'embedded' ? 'embedded' : 'DATABASE_URL server'}, rate-limit store: ${process.env.REDIS_URL ? 'Redis' : 'in memory'}, server log level ${settings.logLevel});`,
    `load from a separate Node process on the same machine, keep-alive, each client one request at a time.`,
    `${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s measured per run, ${settings.userCount} seeded users, password hash scrypt N = 2^${PASSWORD_HASH_COST}.`,
    'req/s counts responses that passed every check (HTTP 200, no `errors`, expected data); latencies are client-side, nearest-rank percentiles.',
    '',
    header,
    `|${header
      .split('|')
      .slice(1, -1)
      .map(() => '---')
      .join('|')}|`,
    ...lines.map((line) => `| ${line} |`),
    '',
  ].join('\n');
}

/** Set by SIGINT/SIGTERM; from then on the signal handler owns shutdown and the exit code. */
let interrupted = false;
/** Stops the worker and the stack; undefined until the stack is up. */
let stopAll: (() => Promise<void>) | undefined;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`bench: ${signal}, stopping`);
    // During start-up, main() sees the flag once the stack is up and waits here.
    const waitForStack = (): void => {
      // The process exits once the stack has stopped, whether stopping succeeded or not.
      if (stopAll) void stopAll().finally(() => process.exit(130));
      else setTimeout(waitForStack, 100);
    };
    waitForStack();
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Once the stack is up, the signal handler owns the exit (the worker it killed lands here too).
    if (interrupted && stopAll) return;
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(interrupted ? 130 : 1);
  },
);
