import type { RunResult } from './stats';

/** One HTTP request the load generator may send, and what its `data` must look like. */
export interface BenchRequest {
  /** JSON body: `{ query, variables }`. */
  body: string;
  headers: Record<string, string>;
  /**
   * Expected `data`: objects match when every listed key matches (extra keys are allowed),
   * other values must be equal; the string `ANY_STRING` matches any non-empty string,
   * `ANY_NUMBER` any number (for figures that move with the clock, like a 30-day window).
   */
  expect: unknown;
}

export const ANY_STRING = '<any non-empty string>';
export const ANY_NUMBER = '<any number>';

/** Parent → worker: run `concurrency` clients against `url` for `durationMs` (after an unmeasured warm-up). */
export interface Job {
  url: string;
  /** Client i sends requests[i], requests[i + concurrency], … (mod length), one at a time. */
  requests: BenchRequest[];
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** A request slower than this is aborted and counted as an error. */
  timeoutMs: number;
}

export type WorkerMessage = ({ type: 'result' } & RunResult) | { type: 'failed'; message: string };
