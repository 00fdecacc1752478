/** Latency and throughput summaries for the benchmark. Pure functions, no I/O. */

/**
 * The p-th percentile (0 < p ≤ 100) of ascending `sorted` values, nearest-rank method:
 * the smallest value such that at least p % of the values are ≤ it. Always a value that
 * was measured (no interpolation); p50 of [1, 2, 3, 4] is 2, p99 of 100 values is the 99th.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** How many distinct failure reasons a summary keeps. */
export const MAX_ERROR_SAMPLES = 5;

export interface RunSummary {
  /** Responses that passed every check. */
  ok: number;
  /** Failed requests (warm-up included): transport error, timeout, non-200, not JSON, `errors` present, wrong shape. */
  errors: number;
  /** A few distinct failure reasons, for the log. */
  errorSamples: string[];
  /** Wall time from the first request to the last response, in ms. */
  elapsedMs: number;
  /** Successful responses per second. */
  rps: number;
  /** Latencies of successful responses, in ms. */
  p50: number;
  p99: number;
  mean: number;
  max: number;
  /** CPU the load generator used during the run, as % of one core (a saturated generator skews results). */
  generatorCpuPercent: number;
  /** Responses during the warm-up before the measured window. */
  warmupResponses: number;
}

export function summarize(
  latenciesMs: number[],
  errors: number,
  errorSamples: string[],
  elapsedMs: number,
  cpuMicros: number,
): RunSummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  const values = Array.from(sorted);
  const total = values.reduce((sum, value) => sum + value, 0);
  return {
    ok: values.length,
    errors,
    errorSamples,
    elapsedMs,
    rps: elapsedMs > 0 ? (values.length * 1000) / elapsedMs : 0,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    mean: values.length ? total / values.length : Number.NaN,
    max: values.length ? values[values.length - 1] : Number.NaN,
    generatorCpuPercent: elapsedMs > 0 ? cpuMicros / 10 / elapsedMs : 0,
    warmupResponses: 0,
  };
}

/** What the load generator answers for one run: its summary and the latencies behind it. */
export interface RunResult {
  summary: RunSummary;
  /** Latencies of the successful measured responses, in ms, in the order they arrived. */
  latenciesMs: number[];
}

/**
 * One summary of several runs against the same target, such as the slices of an interleaved
 * measurement: latencies pooled (so p50 and p99 are those of every response), counts, times
 * and the load generator's CPU added up, error samples merged.
 */
export function combineRuns(runs: readonly RunResult[]): RunSummary {
  const elapsedMs = runs.reduce((sum, run) => sum + run.summary.elapsedMs, 0);
  const cpuMicros = runs.reduce((sum, run) => sum + run.summary.generatorCpuPercent * 10 * run.summary.elapsedMs, 0);
  const errorSamples = [...new Set(runs.flatMap((run) => run.summary.errorSamples))].slice(0, MAX_ERROR_SAMPLES);
  const errors = runs.reduce((sum, run) => sum + run.summary.errors, 0);
  return {
    ...summarize(
      runs.flatMap((run) => run.latenciesMs),
      errors,
      errorSamples,
      elapsedMs,
      cpuMicros,
    ),
    warmupResponses: runs.reduce((sum, run) => sum + run.summary.warmupResponses, 0),
  };
}

/** `a / b`, or NaN when either side is missing. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/** CPU ms spent per response of a run, warm-up included (the CPU counters cover both). */
export function perResponse(cpuMs: number, summary: RunSummary): number {
  const responses = summary.warmupResponses + summary.ok + summary.errors;
  return responses > 0 ? cpuMs / responses : Number.NaN;
}
