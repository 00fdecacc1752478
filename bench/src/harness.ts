/**
 * What every benchmark script shares: a Postgres server to run on, the forked load
 * generator, and how numbers and the machine are printed.
 */
import { ChildProcess, fork } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@marketplace/kit';
import { freePort } from '@marketplace/kit/testing';
import type { Job, WorkerMessage } from './protocol';
import type { RunResult, RunSummary } from './stats';

/** Slack on top of a run's own warm-up, duration and request timeout before the load generator counts as hung. */
const WORKER_ANSWER_SLACK_MS = 30_000;

/**
 * Makes DATABASE_URL name a server: the one the environment gives, or an embedded Postgres
 * in a fresh temp folder (world-writable: as root it runs as the `postgres` user).
 * Returns how to stop what it started, and which kind of server this is.
 */
export async function ensureDatabaseServer(
  prefix: string,
): Promise<{ kind: 'DATABASE_URL' | 'embedded'; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { kind: 'DATABASE_URL', stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  chmodSync(dir, 0o777);
  const server = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port: await freePort() });
  process.env.DATABASE_URL = server.url;
  // The data set at scale 1 takes about 620 MiB of tables and indexes: gone with the run.
  return {
    kind: 'embedded',
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The load generator (worker.ts) in its own process, so it never shares an event loop with a server it measures. */
export function forkLoadGenerator(): ChildProcess {
  return fork(join(__dirname, 'worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

export function runInWorker(worker: ChildProcess, job: Job): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(
      () => done(new Error('load generator did not answer in time')),
      job.warmupMs + job.durationMs + job.timeoutMs + WORKER_ANSWER_SLACK_MS,
    );
    const onMessage = (message: WorkerMessage) =>
      done(message.type === 'result' ? undefined : new Error(`load generator failed: ${message.message}`), message);
    const onExit = (code: number | null) => done(new Error(`load generator exited (code ${code})`));
    function done(error: Error | undefined, message?: WorkerMessage) {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      if (error) reject(error);
      else if (message?.type === 'result') resolveRun({ summary: message.summary, latenciesMs: message.latenciesMs });
    }
    worker.on('message', onMessage);
    worker.on('exit', onExit);
    worker.send(job);
  });
}

/** A number with as many decimals as its size deserves; `–` when missing. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0);
}

export function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim() ?? 'unknown CPU';
  } catch {
    return 'unknown CPU';
  }
}

/** One line naming the machine, for a results header. */
export function machineLine(): string {
  return `${cpuModel()}, ${availableParallelism()} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

export function concurrencyList(values: string[], name: string): number[] {
  const levels = values.map(Number);
  if (levels.length === 0 || levels.some((level) => !Number.isInteger(level) || level < 1 || level > 1000)) {
    throw new Error(
      `config: ${name} must be a comma-separated list of integers between 1 and 1000 (got "${values.join(',')}")`,
    );
  }
  return levels;
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** One line per run, as the runs go. */
export function report(
  operation: string,
  target: string,
  clients: number,
  summary: RunSummary,
  cpuMsPerRequest?: number,
): void {
  const cpu = cpuMsPerRequest === undefined ? '' : `  CPU ${num(cpuMsPerRequest)} ms/req`;
  log(
    `  ${operation.padEnd(24)} ${target.padEnd(8)} c=${String(clients).padEnd(3)} ${num(summary.rps).padStart(6)} req/s  p50 ${num(summary.p50)} ms  p99 ${num(summary.p99)} ms  errors ${summary.errors}  load-gen CPU ${Math.round(summary.generatorCpuPercent)} %${cpu}`,
  );
  for (const sample of summary.errorSamples) log(`    error: ${sample}`);
}
