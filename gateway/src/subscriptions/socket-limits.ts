import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { WebSocket } from 'ws';

/**
 * graphql-ws's own "too many" close code: its client treats it as fatal, so a refused client
 * does not reconnect in a loop (it would retry after 1008 Policy Violation).
 */
export const TOO_MANY_CONNECTIONS_CLOSE_CODE = 4429;

/** The WebSocket limits of the gateway (`WS_*` variables); the HTTP budget is shared, see live-subscriptions.ts. */
export interface WebSocketSettings {
  maxMessageBytes: number;
  maxOperationsInFlight: number;
  maxSocketsPerUser: number;
  maxSocketsPerIp: number;
}

/** Express's compiled `trust proxy` setting (`app.get('trust proxy fn')`). */
export type TrustProxyFn = (address: string, hop: number) => boolean;

/**
 * Sockets open in this process per holder (a user id or a client IP). Counted per process,
 * not in Redis: what a socket costs (memory, a file descriptor, a change-feed listener) is
 * this process's, and a crashed process must not leave counts behind.
 */
export class OpenSockets {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {}

  /**
   * Counts `socket` against `holder` until it closes or the returned release is called
   * (idempotent); `undefined`, and nothing counted, when `holder` is at its cap.
   */
  admit(holder: string, socket: WebSocket): (() => void) | undefined {
    const count = this.open.get(holder) ?? 0;
    if (count >= this.max) return undefined;
    this.open.set(holder, count + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.open.get(holder) ?? 1) - 1;
      if (left > 0) this.open.set(holder, left);
      else this.open.delete(holder);
    };
    socket.once('close', release);
    return release;
  }

  /** Sockets open for `holder` now (for tests and metrics). */
  count(holder: string): number {
    return this.open.get(holder) ?? 0;
  }
}

/**
 * The client of a WebSocket upgrade as Express resolves `req.ip` for HTTP: the socket peer,
 * or the X-Forwarded-For client as far as `TRUST_PROXY` believes the proxies. Without it,
 * behind a load balancer every socket would share the balancer's address and its budget.
 */
export function upgradeClientIp(request: IncomingMessage, trust: TrustProxyFn): string {
  const ip = proxyaddr(request, trust) || 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
}
