/**
 * The gateways the benchmark compares, each started in a child process of its own so that
 * none shares an event loop with the subgraphs, the load generator or another gateway.
 * Every child serves the same supergraph SDL, rewritten to point at the same subgraphs.
 *
 * The parent side (startGatewayProcess) and the child side (runPeer, used by
 * peers/<kind>.ts) live here together because they share the IPC protocol and the
 * environment variables that carry the settings.
 */
import { ChildProcess, fork } from 'node:child_process';
import { cpuMsOf } from './cpu';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type GatewayKind = 'ours' | 'apollo' | 'hive';
/** The gateways, and the pass-through proxy (peers/hop.ts) that measures what any of them must cost at least. */
export type PeerKind = GatewayKind | 'hop';

export const GATEWAY_KINDS: readonly GatewayKind[] = ['ours', 'apollo', 'hive'];

export const GATEWAY_TITLES: Record<PeerKind, string> = {
  ours: 'our gateway',
  apollo: 'stock @apollo/gateway',
  hive: 'Hive Gateway',
  hop: 'pass-through proxy',
};

export interface GatewayProcess<Kind extends PeerKind = GatewayKind> {
  kind: Kind;
  /** Where the gateway accepts POSTed GraphQL operations (the proxy: `<url>/<subgraph>`). */
  url: string;
  pid: number;
  /** Resident set size of the child now (Linux /proc). */
  rssBytes(): number;
  /** CPU time the child used so far, user and system, in ms (Linux /proc, 10 ms resolution). */
  cpuMs(): number;
  /** SIGTERM, then SIGKILL if the child is still there after CLOSE_GRACE_MS. */
  close(): Promise<void>;
}

export interface GatewayProcessOptions {
  supergraphSdl: string;
  /** Subgraph name (as in `join__graph(name: …)`) → the URL the gateway must call. */
  subgraphUrls: Record<string, string>;
  /** Added to (and overriding) this process's environment for the child. */
  env?: Record<string, string>;
  /** Node flags of the child, e.g. `--cpu-prof` to see where a gateway spends its time. */
  execArgv?: string[];
  startTimeoutMs?: number;
}

/** Loading a gateway and planning-ready schema takes 1–3 s; this leaves room for a busy machine. */
export const DEFAULT_START_TIMEOUT_MS = 30_000;
/** How long a gateway may drain after SIGTERM before it is killed. */
export const CLOSE_GRACE_MS = 5_000;
/** Every gateway listens on loopback only: the benchmark never leaves the machine. */
export const PEER_HOST = '127.0.0.1';

/** Settings of a peer, passed by environment (the child inherits everything else). */
const ENV_SUPERGRAPH_PATH = 'PEER_SUPERGRAPH_PATH';
const ENV_SUBGRAPH_URLS = 'PEER_SUBGRAPH_URLS';
const ENV_PORT = 'PEER_PORT';

/**
 * The secret the subgraphs verify signatures with: the parent reads it with the kit and
 * passes it in the environment, so the peers load nothing of the kit to find it.
 */
export function peerSigningSecret(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.SUBGRAPH_SIGNING_SECRET;
  if (!secret) throw new Error('SUBGRAPH_SIGNING_SECRET is not set: the subgraphs would refuse entity fetches');
  return secret;
}

/** What a peer tells its parent over IPC. */
type PeerMessage = { type: 'ready'; url: string } | { type: 'failed'; message: string };

export async function startGatewayProcess<Kind extends PeerKind>(
  kind: Kind,
  options: GatewayProcessOptions,
): Promise<GatewayProcess<Kind>> {
  const dir = mkdtempSync(join(tmpdir(), `marketplace-gateway-${kind}-`));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  let child: ChildProcess;
  try {
    const supergraphPath = join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, supergraphWithUrls(options.supergraphSdl, options.subgraphUrls));
    child = fork(join(__dirname, 'peers', `${kind}.js`), [], {
      env: {
        ...process.env,
        ...options.env,
        [ENV_SUPERGRAPH_PATH]: supergraphPath,
        [ENV_SUBGRAPH_URLS]: JSON.stringify(options.subgraphUrls),
        // The child picks a free port and reports the URL: no race for a port chosen here.
        [ENV_PORT]: '0',
      },
      // No --inspect or test-runner flags of the parent: an inherited inspector port would clash.
      execArgv: options.execArgv ?? [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  } catch (error) {
    removeDir();
    throw error;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;

  let url: string;
  try {
    url = await waitForReady(kind, child, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  } catch (error) {
    // A child that never spawned (no pid) has no exit to wait for.
    if (child.pid !== undefined) {
      if (alive()) child.kill('SIGKILL');
      await exited;
    }
    removeDir();
    throw error;
  }
  // Once ready, the channel is only there so that the child notices when this process goes away.
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();

  let closing: Promise<void> | undefined;
  return {
    kind,
    url,
    pid: child.pid!,
    rssBytes: () => rssOf(child.pid!),
    cpuMs: () => cpuMsOf(child.pid!),
    close: () =>
      (closing ??= (async () => {
        if (alive()) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => alive() && child.kill('SIGKILL'), CLOSE_GRACE_MS);
          await exited;
          clearTimeout(timer);
        }
        removeDir();
      })()),
  };
}

function waitForReady(kind: PeerKind, child: ChildProcess, timeoutMs: number): Promise<string> {
  const title = GATEWAY_TITLES[kind];
  return new Promise((resolve, reject) => {
    let failure: string | undefined;
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
      outcome();
    };
    const onMessage = (message: PeerMessage) => {
      if (message?.type === 'ready') settle(() => resolve(message.url));
      else if (message?.type === 'failed') failure = message.message;
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      settle(() => reject(new Error(`${title} ${how} before it was ready: ${failure ?? 'see its stderr above'}`)));
    };
    const onError = (error: Error) =>
      settle(() => reject(new Error(`${title} could not be started: ${error.message}`)));
    const timer = setTimeout(
      () => settle(() => reject(new Error(`${title} was not ready after ${timeoutMs} ms`))),
      timeoutMs,
    );
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.on('error', onError);
  });
}

/** VmRSS of /proc/<pid>/status, which the kernel gives in kB. */
function rssOf(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    throw new Error(`no memory figures for process ${pid}: it has exited, or this is not Linux`);
  }
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`process ${pid} reports no VmRSS (a zombie?)`);
  return Number(match[1]) * 1024;
}

const JOIN_GRAPH = /@join__graph\(\s*name:\s*"([^"]+)"\s*,\s*url:\s*"[^"]*"\s*\)/g;

/**
 * The supergraph with every `join__graph` routing URL replaced. Each graph must get a URL
 * and each URL must name a graph: a graph left on its committed localhost URL would send
 * one gateway somewhere else than the others, and a misspelt name would go unnoticed.
 */
export function supergraphWithUrls(sdl: string, urls: Record<string, string>): string {
  const seen = new Set<string>();
  const missing: string[] = [];
  const rewritten = sdl.replace(JOIN_GRAPH, (whole, name: string) => {
    seen.add(name);
    const url = urls[name];
    if (url === undefined) {
      missing.push(name);
      return whole;
    }
    return `@join__graph(name: ${JSON.stringify(name)}, url: ${JSON.stringify(url)})`;
  });
  const unknown = Object.keys(urls).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`no URL for subgraph(s) ${missing.join(', ')} of the supergraph`);
  if (unknown.length > 0) throw new Error(`the supergraph has no subgraph(s) ${unknown.join(', ')}`);
  return rewritten;
}

// ---- child side -------------------------------------------------------------------------

export interface PeerSettings {
  /** The rewritten supergraph, on disk. */
  supergraphPath: string;
  subgraphUrls: Record<string, string>;
  port: number;
  host: string;
}

export interface RunningPeer {
  url: string;
  close(): Promise<void>;
}

/**
 * The body of a peer script: starts the gateway, reports `ready` (or `failed`) to the
 * parent, and shuts down on SIGTERM/SIGINT or when the parent goes away (IPC disconnect),
 * so that no gateway outlives the benchmark that started it.
 */
export function runPeer(kind: PeerKind, start: (settings: PeerSettings) => Promise<RunningPeer>): void {
  const title = GATEWAY_TITLES[kind];
  let running: RunningPeer | undefined;
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), CLOSE_GRACE_MS);
    timer.unref();
    try {
      await running?.close();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`${title}: shutdown after ${reason} failed: ${messageOf(error)}\n`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('disconnect', () => void stop('the parent went away'));

  void (async () => {
    try {
      running = await start(peerSettings());
    } catch (error) {
      const message = messageOf(error);
      process.stderr.write(`${title} did not start: ${message}\n`);
      await report({ type: 'failed', message });
      process.exit(1);
    }
    if (process.send) await report({ type: 'ready', url: running.url });
    else process.stdout.write(`${title} ready at ${running.url}\n`);
  })();
}

function peerSettings(env: NodeJS.ProcessEnv = process.env): PeerSettings {
  const supergraphPath = env[ENV_SUPERGRAPH_PATH];
  const urls = env[ENV_SUBGRAPH_URLS];
  if (!supergraphPath || !urls)
    throw new Error(
      `${ENV_SUPERGRAPH_PATH} and ${ENV_SUBGRAPH_URLS} must be set (start peers with startGatewayProcess)`,
    );
  return {
    supergraphPath,
    subgraphUrls: JSON.parse(urls) as Record<string, string>,
    port: Number(env[ENV_PORT] ?? 0),
    host: PEER_HOST,
  };
}

function report(message: PeerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
