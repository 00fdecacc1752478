import type { RequestHandler } from 'express';
import { readinessChecks } from '@marketplace/kit';

export interface SubgraphHealth {
  ready: boolean;
  status?: number;
  latencyMs: number;
  error?: string;
}

/** A subgraph serves `/ready` next to `/graphql`: http://users:4001/graphql → http://users:4001/ready. */
export function readyUrlOf(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = `${url.pathname.replace(/\/graphql\/?$/, '').replace(/\/$/, '')}/ready`;
  url.search = '';
  url.hash = '';
  return url.href;
}

export async function probeSubgraph(graphqlUrl: string, timeoutMs: number): Promise<SubgraphHealth> {
  const startedAt = performance.now();
  const latency = () => Math.round(performance.now() - startedAt);
  try {
    const response = await fetch(readyUrlOf(graphqlUrl), {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
    });
    await response.body?.cancel();
    return { ready: response.ok, status: response.status, latencyMs: latency() };
  } catch (error) {
    // Duck-typed: the abort arrives as a DOMException, not always an `instanceof Error` in every realm.
    const timedOut = (error as { name?: string } | undefined)?.name === 'TimeoutError';
    return {
      ready: false,
      latencyMs: latency(),
      error: timedOut ? `no answer within ${timeoutMs} ms` : describeFetchError(error),
    };
  }
}

/**
 * `/health`: ready only when every subgraph is; each probe bounded, all probed in parallel.
 *
 * `dependencies` are the gateway's own connections (the rate-limit store), reported under
 * `checks`. A failing one makes the status `degraded` but keeps HTTP 200: the gateway
 * still serves without it (rate limits fail open), and a 503 would have an orchestrator
 * pull or restart a gateway that works.
 */
export function healthHandler(
  subgraphs: () => ReadonlyMap<string, string>,
  timeoutMs: number,
  dependencies: Record<string, () => Promise<unknown>> = {},
): RequestHandler {
  return async (_req, res) => {
    const [entries, checks] = await Promise.all([
      Promise.all([...subgraphs()].map(async ([name, url]) => [name, await probeSubgraph(url, timeoutMs)] as const)),
      readinessChecks(dependencies, timeoutMs),
    ]);
    const ready = entries.length > 0 && entries.every(([, health]) => health.ready);
    res.setHeader('cache-control', 'no-store');
    res.status(ready ? 200 : 503).json({
      status: !ready ? 'unavailable' : checks.ready ? 'ok' : 'degraded',
      service: 'gateway',
      subgraphs: Object.fromEntries(entries),
      checks: checks.checks,
    });
  };
}

/**
 * `/ready`: whether this gateway takes new requests, whatever its subgraphs' state (a load
 * balancer that pulled every gateway while one subgraph is down would turn a partial outage
 * into a full one): 503 once SIGTERM has started the drain, so traffic moves to other replicas.
 */
export function readinessHandler(draining: () => boolean): RequestHandler {
  return (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.status(draining() ? 503 : 200).json({ status: draining() ? 'draining' : 'ready', service: 'gateway' });
  };
}

/** `/live`: the process answers (an orchestrator restarts it when it stops answering); nothing else is checked. */
export const livenessHandler: RequestHandler = (_req, res) => {
  res.setHeader('cache-control', 'no-store');
  res.json({ status: 'ok', service: 'gateway' });
};

/** fetch hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  return (error as { message?: string } | undefined)?.message ?? String(error);
}
