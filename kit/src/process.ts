import { ConfigError } from './config';

export interface Stoppable {
  close(): Promise<void>;
}

/** How long shutdown may take before the process exits anyway. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Runs a service until SIGINT/SIGTERM, then closes it gracefully. A start-up failure
 * prints one line (which setting, which port, which dependency) and exits non-zero.
 */
export async function runUntilSignal(name: string, start: () => Promise<Stoppable>): Promise<void> {
  let running: Stoppable;
  try {
    running = await start();
  } catch (error) {
    process.stderr.write(`${name} did not start: ${describeStartupError(error)}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${name}: ${signal} received, shutting down\n`);
    const timer = setTimeout(() => {
      process.stderr.write(`${name}: shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms, exiting\n`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    try {
      await running.close();
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
