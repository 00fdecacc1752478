import { GatewayProcess } from './gateways';
import { log } from './harness';
import type { BenchRequest } from './protocol';
import type { SoakResult } from './supergraph-report';
import { RunSummary, perResponse } from './stats';

export const SOAK_CLIENTS = 50;
const SOAK_SAMPLE_MS = 5_000;
/** The memory target compares RSS after this long under load with RSS at the end. */
const SOAK_BASELINE_MS = 60_000;
/** RSS breathes by about ±5 % between collections: each end of the comparison is the median of the samples of a window this wide. */
const SOAK_WINDOW_MS = 30_000;

/** Mixed load for `durationMs`, sampling the gateway's RSS meanwhile. */
export async function soakTest(
  gateway: GatewayProcess,
  requests: BenchRequest[],
  durationMs: number,
  load: (requests: BenchRequest[], ms: number) => Promise<RunSummary>,
): Promise<SoakResult> {
  const samples: { atMs: number; rssBytes: number }[] = [{ atMs: 0, rssBytes: gateway.rssBytes() }];
  const started = Date.now();
  const cpuBefore = gateway.cpuMs();
  const sampler = setInterval(
    () => samples.push({ atMs: Date.now() - started, rssBytes: gateway.rssBytes() }),
    SOAK_SAMPLE_MS,
  );
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
function medianRss(
  samples: { atMs: number; rssBytes: number }[],
  fromMs: number,
  toMs: number,
): { atMs: number; rssBytes: number } {
  const inWindow = samples.filter((sample) => sample.atMs >= fromMs && sample.atMs <= toMs);
  const chosen = inWindow.length > 0 ? inWindow : [samples[samples.length - 1]];
  const sorted = chosen.map((sample) => sample.rssBytes).sort((a, b) => a - b);
  return { atMs: Math.round((fromMs + toMs) / 2), rssBytes: sorted[Math.floor(sorted.length / 2)] };
}
