import { Server, Socket, connect, createServer } from 'node:net';

/** How often the balancer asks each replica's `/ready`, as a Kubernetes readiness probe would (there: 10 s by default). */
export const READY_POLL_MS = 200;
/** A `/ready` that has not answered by then counts as not ready. */
const READY_TIMEOUT_MS = 1_000;

export interface Replica {
  host: string;
  port: number;
}

interface Backend extends Replica {
  ready: boolean;
}

/**
 * What a Kubernetes Service gives a subgraph's replicas, in a test: one address, each new TCP
 * connection sent round robin to a replica whose `/ready` answered 200 at the last probe
 * (Endpoints follow readiness). Connections already open stay with their replica until
 * either side closes, as kube-proxy's connection tracking keeps them; an end or a reset on
 * one side is passed to the other, so a client sees what it would see from the replica itself.
 * A connection no replica accepts (one killed since the last probe) is tried on the next
 * ready one, as nothing has been sent yet.
 */
export class ReadinessBalancer {
  private readonly backends: Backend[];
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private poller: NodeJS.Timeout | undefined;
  private next = 0;
  port = 0;

  constructor(replicas: Replica[]) {
    this.backends = replicas.map((replica) => ({ ...replica, ready: false }));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  /** The replicas in rotation now. */
  readyPorts(): number[] {
    return this.backends.filter((backend) => backend.ready).map((backend) => backend.port);
  }

  async start(port: number): Promise<void> {
    const server = createServer((client) => this.route(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = port;
    const probeAll = async () => {
      await Promise.all(this.backends.map(async (backend) => (backend.ready = await isReady(backend))));
      if (this.server) this.poller = setTimeout(() => void probeAll(), READY_POLL_MS);
    };
    await probeAll();
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    clearTimeout(this.poller);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private route(client: Socket, tried = new Set<Backend>()): void {
    this.track(client);
    client.pause();
    const candidates = this.backends.filter((backend) => backend.ready && !tried.has(backend));
    if (candidates.length === 0) {
      client.destroy();
      return;
    }
    const backend = candidates[this.next++ % candidates.length];
    tried.add(backend);
    const upstream = connect({ host: backend.host, port: backend.port, noDelay: true });
    this.track(upstream);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      if (!connected && !client.destroyed) {
        backend.ready = false;
        this.route(client, tried);
      }
    });
    // An orderly end is passed on by the pipes once what came before it is through; a reset, or a side gone, at once.
    upstream.on('close', (hadError) => connected && hadError && client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  }

  private track(socket: Socket): void {
    if (this.sockets.has(socket)) return;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}

async function isReady(replica: Replica): Promise<boolean> {
  try {
    const response = await fetch(`http://${replica.host}:${replica.port}/ready`, {
      signal: AbortSignal.timeout(READY_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
