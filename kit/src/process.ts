import { ConfigError, EnvReader, envReader } from './config';
import { flushTracing } from './tracing/lifecycle';

export interface Stoppable {
  close(): Promise<void>;
  /**
   * The orchestrator is about to stop this process: report not ready (`/ready` 503) so load
   * balancers send no new work, while everything still serves. `close` follows after the drain.
   */
  drain?(): void;
}

/** How long shutdown may take once the drain is over before the process exits anyway. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;
/**
 * `SHUTDOWN_DRAIN_MS`: how long a process keeps serving after SIGTERM, not ready, before it
 * stops accepting connections. An orchestrator takes a moment to stop routing to a process it
 * is stopping (Kubernetes: endpoint propagation to every node, usually well under the 2 s
 * here); requests that arrive meanwhile are served instead of refused.
 */
export const DEFAULT_SHUTDOWN_DRAIN_MS = 2_000;
const MAX_SHUTDOWN_DRAIN_MS = 120_000;

export function readShutdownDrainMs(env: EnvReader = envReader()): number {
  return env.int('SHUTDOWN_DRAIN_MS', DEFAULT_SHUTDOWN_DRAIN_MS, { min: 0, max: MAX_SHUTDOWN_DRAIN_MS });
}

/**
 * Graceful stop: not ready at once, still serving for `drainMs`, then `close` (stop accepting,
 * finish requests in flight, stop consuming events, close connections).
 */
export async function drainThenClose(running: Stoppable, drainMs: number): Promise<void> {
  running.drain?.();
  if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
  await running.close();
}

/**
 * Runs a service until SIGINT/SIGTERM, then closes it gracefully. SIGTERM (an orchestrator's
 * stop) drains first for `SHUTDOWN_DRAIN_MS`; SIGINT (Ctrl-C) closes at once. A start-up failure
 * prints one line (which setting, which port, which dependency) and exits non-zero.
 */
export async function runUntilSignal(name: string, start: () => Promise<Stoppable>): Promise<void> {
  let running: Stoppable;
  let drainMs: number;
  try {
    drainMs = readShutdownDrainMs();
    running = await start();
  } catch (error) {
    process.stderr.write(`${name} did not start: ${describeStartupError(error)}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: 'SIGINT' | 'SIGTERM') => {
    if (stopping) return;
    stopping = true;
    const drain = signal === 'SIGTERM' ? drainMs : 0;
    process.stderr.write(
      `${name}: ${signal} received, shutting down${drain > 0 ? ` after a ${drain} ms drain` : ''}\n`,
    );
    const timer = setTimeout(() => {
      process.stderr.write(`${name}: shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms, exiting\n`);
      process.exit(1);
    }, drain + SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    try {
      await drainThenClose(running, drain);
      await flushTracing();
      process.stderr.write(`${name}: stopped\n`);
      process.exit(0);
    } catch (error) {
      process.stderr.write(`${name}: shutdown failed: ${describeStartupError(error)}\n`);
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

export function describeStartupError(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  if (error instanceof AggregateError) return error.errors.map(describeStartupError).join('; ');
  const err = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (err?.code === 'ECONNREFUSED') return `cannot connect to ${err.address}:${err.port} (is the service running?)`;
  if (err?.code === 'ENOTFOUND') return `cannot resolve host ${(err as { hostname?: string }).hostname ?? ''}`.trim();
  return err instanceof Error ? err.message : String(error);
}

/** Waits for a start-up step; when it fails, closes what was opened before it and passes the failure on. */
export async function undoingOnFailure<T>(step: Promise<T>, undo: () => Promise<void>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    await undo();
    throw error;
  }
}
