import { Server, Socket, createServer, connect } from 'node:net';

/**
 * A TCP proxy in front of a real server (RabbitMQ) so tests can take the network away:
 * `cut()` drops every open connection mid-stream, `stop()` also refuses new ones until
 * `start()`, and `refuse()` accepts new ones only to close them (a host that answers while
 * its broker does not) until `resume()`, noting when each arrived.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private forwarding = true;
  /** When each connection arrived (epoch ms), forwarded or refused, while the proxy was listening. */
  readonly arrivals: number[] = [];
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  static forUrl(url: string): TcpProxy {
    const parsed = new URL(url);
    return new TcpProxy({ host: parsed.hostname, port: Number(parsed.port || 5672) });
  }

  /** The same URL, pointing at the proxy. */
  urlFor(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      this.arrivals.push(Date.now());
      if (!this.forwarding) {
        client.on('error', () => undefined);
        client.destroy();
        return;
      }
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        // Transparent in time too: Nagle on either leg would delay every small frame it relays.
        socket.setNoDelay(true);
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Drops every connection now; new ones are still accepted. */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** Drops every connection and closes each new one as soon as it arrives, until `resume()`. */
  refuse(): void {
    this.forwarding = false;
    this.cut();
  }

  resume(): void {
    this.forwarding = true;
  }

  /** Drops every connection and refuses new ones (the broker is "down"). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.cut();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
