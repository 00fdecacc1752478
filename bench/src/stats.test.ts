import { MAX_ERROR_SAMPLES, RunResult, combineRuns, percentile, ratio, summarize } from './stats';

/** A run as the load generator reports it, from its latencies. */
function runOf(
  latenciesMs: number[],
  options: {
    errors?: number;
    samples?: string[];
    elapsedMs?: number;
    cpuMicros?: number;
    warmupResponses?: number;
  } = {},
): RunResult {
  const summary = summarize(
    latenciesMs,
    options.errors ?? 0,
    options.samples ?? [],
    options.elapsedMs ?? 1000,
    options.cpuMicros ?? 0,
  );
  return { summary: { ...summary, warmupResponses: options.warmupResponses ?? 0 }, latenciesMs };
}

describe('percentile', () => {
  it('takes the nearest rank: always a measured value', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        99,
      ),
    ).toBe(99);
    expect(percentile([7], 1)).toBe(7);
  });

  it('is NaN for no values and refuses a percentile outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts the latencies it is given and reports throughput over the elapsed time', () => {
    const summary = summarize([3, 1, 2, 10], 1, ['HTTP 500 without errors'], 2000, 500_000);
    expect(summary).toMatchObject({
      ok: 4,
      errors: 1,
      rps: 2,
      p50: 2,
      p99: 10,
      mean: 4,
      max: 10,
      generatorCpuPercent: 25,
      errorSamples: ['HTTP 500 without errors'],
    });
  });

  it('reports an empty run as NaN latencies and zero throughput', () => {
    const summary = summarize([], 0, [], 0, 0);
    expect(summary.ok).toBe(0);
    expect(summary.rps).toBe(0);
    expect(summary.p50).toBeNaN();
    expect(summary.mean).toBeNaN();
  });
});

describe('combineRuns', () => {
  it('pools the latencies of every slice, so a percentile is that of all responses, not an average of percentiles', () => {
    // Slice medians 1 and 10 average to 5.5; the pooled median of all eight responses is 2.
    const combined = combineRuns([runOf([1, 1, 2, 2, 2]), runOf([10, 10, 10])]);
    expect(combined.ok).toBe(8);
    expect(combined.p50).toBe(2);
    expect(combined.max).toBe(10);
  });

  it('adds counts, elapsed time and warm-up responses, and weighs the load generator CPU by time', () => {
    const combined = combineRuns([
      runOf([1, 1], { errors: 1, elapsedMs: 1000, cpuMicros: 100_000, warmupResponses: 30 }), // 10 %
      runOf([1, 1, 1, 1], { errors: 2, elapsedMs: 3000, cpuMicros: 1_500_000, warmupResponses: 5 }), // 50 %
    ]);
    expect(combined).toMatchObject({ ok: 6, errors: 3, elapsedMs: 4000, rps: 1.5, warmupResponses: 35 });
    expect(combined.generatorCpuPercent).toBeCloseTo(40);
  });

  it('keeps each distinct failure reason once, at most a handful', () => {
    const combined = combineRuns([
      runOf([], { errors: 3, samples: ['timed out', 'HTTP 502 without errors'] }),
      runOf([], { errors: 9, samples: ['timed out', 'a', 'b', 'c', 'd'] }),
    ]);
    expect(combined.errorSamples).toEqual(['timed out', 'HTTP 502 without errors', 'a', 'b', 'c']);
    expect(combined.errorSamples).toHaveLength(MAX_ERROR_SAMPLES);
    expect(combined.p50).toBeNaN();
  });

  it('of one run is that run', () => {
    const run = runOf([4, 2, 9], { errors: 1, samples: ['x'], elapsedMs: 500, cpuMicros: 50_000, warmupResponses: 3 });
    expect(combineRuns([run])).toEqual(run.summary);
  });
});

describe('ratio', () => {
  it('divides, or is NaN when a side is missing or the divisor is zero', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(Number.NaN, 2)).toBeNaN();
    expect(ratio(3, 0)).toBeNaN();
  });
});
