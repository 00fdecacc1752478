/**
 * The load generator, forked by run.ts so that it never shares an event loop with the
 * servers it measures. It receives one Job at a time over IPC and answers with a summary.
 * Every response is checked: HTTP 200, JSON, no `errors`, `data` of the expected shape.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ANY_NUMBER, ANY_STRING, BenchRequest, Job, WorkerMessage } from './protocol';
import { MAX_ERROR_SAMPLES, RunResult, summarize } from './stats';

interface Prepared {
  body: Buffer;
  headers: Record<string, string | number>;
  expect: unknown;
}

async function runJob(job: Job): Promise<RunResult> {
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const requests = job.requests.map(prepare);
  try {
    // Warm-up: opens the keep-alive connections and lets every JIT settle. Its timings are
    // discarded, its failures are not: they count with the measured ones.
    const warmup = job.warmupMs > 0 ? (await drive(job, url, agent, requests, job.warmupMs)).summary : undefined;
    const { summary, latenciesMs } = await drive(job, url, agent, requests, job.durationMs);
    const measured = { ...summary, warmupResponses: warmup ? warmup.ok + warmup.errors : 0 };
    if (!warmup?.errors) return { summary: measured, latenciesMs };
    const samples = [...new Set([...warmup.errorSamples.map((s) => `(warm-up) ${s}`), ...measured.errorSamples])];
    return {
      summary: {
        ...measured,
        errors: measured.errors + warmup.errors,
        errorSamples: samples.slice(0, MAX_ERROR_SAMPLES),
      },
      latenciesMs,
    };
  } finally {
    agent.destroy();
  }
}

async function drive(job: Job, url: URL, agent: Agent, requests: Prepared[], durationMs: number): Promise<RunResult> {
  const latencies: number[] = [];
  const samples = new Set<string>();
  let errors = 0;
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const until = startedAt + durationMs;
  const client = async (index: number) => {
    for (let next = index; performance.now() < until; next += job.concurrency) {
      const sent = performance.now();
      const failure = await send(url, agent, requests[next % requests.length], job.timeoutMs);
      const tookMs = performance.now() - sent;
      if (failure === undefined) latencies.push(tookMs);
      else {
        errors += 1;
        if (samples.size < MAX_ERROR_SAMPLES) samples.add(failure);
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, (_, index) => client(index)));
  const elapsedMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    summary: summarize(latencies, errors, [...samples], elapsedMs, cpu.user + cpu.system),
    latenciesMs: latencies,
  };
}

function prepare(request: BenchRequest): Prepared {
  const body = Buffer.from(request.body);
  return {
    body,
    headers: { 'content-type': 'application/json', 'content-length': body.length, ...request.headers },
    expect: request.expect,
  };
}

/** Sends one request; undefined when the response passed every check, else why it did not. */
async function send(url: URL, agent: Agent, prepared: Prepared, timeoutMs: number): Promise<string | undefined> {
  let status: number;
  let text: string;
  try {
    ({ status, text } = await post(url, agent, prepared, timeoutMs));
  } catch (error) {
    return `transport: ${error instanceof Error ? error.message : String(error)}`;
  }
  let response: unknown;
  try {
    response = JSON.parse(text);
  } catch {
    return `HTTP ${status}: not JSON: ${text.slice(0, 120)}`;
  }
  if (!isGraphQLAnswer(response)) return `HTTP ${status}: not a GraphQL answer: ${text.slice(0, 120)}`;
  if (response.errors !== undefined) {
    const first = response.errors[0];
    return `HTTP ${status}: errors: ${first?.extensions?.code ?? '?'} ${first?.message ?? JSON.stringify(response.errors).slice(0, 120)}`;
  }
  if (status !== 200) return `HTTP ${status} without errors`;
  const mismatch = mismatchOf(response.data, prepared.expect, 'data');
  return mismatch && `wrong shape: ${mismatch}`;
}

interface GraphQLAnswer {
  data?: unknown;
  errors?: { message?: string; extensions?: { code?: string } }[];
}

/** An object whose `errors`, when present, is a list: what a GraphQL server answers. */
function isGraphQLAnswer(value: unknown): value is GraphQLAnswer {
  return typeof value === 'object' && value !== null && (!('errors' in value) || Array.isArray(value.errors));
}

function post(
  url: URL,
  agent: Agent,
  prepared: Prepared,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: prepared.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(prepared.body);
  });
}

/** Where `actual` departs from `expected` (see BenchRequest.expect), or undefined. */
export function mismatchOf(actual: unknown, expected: unknown, path: string): string | undefined {
  if (expected === ANY_STRING)
    return typeof actual === 'string' && actual.length > 0 ? undefined : `${path} is not a non-empty string`;
  if (expected === ANY_NUMBER)
    return typeof actual === 'number' ? undefined : `${path} is ${JSON.stringify(actual)}, expected a number`;
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object')
      return `${path} is ${JSON.stringify(actual)}, expected an object`;
    for (const [key, value] of Object.entries(expected)) {
      const mismatch = mismatchOf((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  return actual === expected ? undefined : `${path} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
}

if (process.send) {
  const reply = (message: WorkerMessage) => process.send!(message);
  process.on('message', (job: Job) => {
    runJob(job).then(
      (result) => reply({ type: 'result', ...result }),
      (error: unknown) =>
        reply({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  // The parent went away (finished, crashed or was killed): nothing left to do.
  process.on('disconnect', () => process.exit(0));
}
