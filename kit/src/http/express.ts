import type { ErrorRequestHandler } from 'express';
import { RequestListener, Server, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Malformed JSON, oversized bodies and the like become a GraphQL-shaped 4xx, never a stack trace. */
export const jsonErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  const status = clientErrorStatus(error);
  res.status(status).json(requestErrorBody(status, error instanceof Error ? error.message : String(error)));
};

/** The 4xx an error carries (body-parser's and http-errors' `status`), else 500. */
function clientErrorStatus(error: unknown): number {
  const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

/** The body of a request that could not be read: its message for a 4xx, nothing internal for a 5xx. */
export function requestErrorBody(status: number, message: string) {
  return {
    errors: [
      {
        message: status < 500 ? message : 'Internal server error',
        extensions: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' },
      },
    ],
  };
}

/** Responses not yet finished, per server made by `createHttpServer`, so that closing can end their connections. */
const responsesInProgress = new WeakMap<Server, Set<ServerResponse>>();
/** Servers draining or closing: every answer from now on closes its connection (`Connection: close`). */
const lastAnswers = new WeakSet<Server>();

export function createHttpServer(app: RequestListener): Server {
  const server = createServer();
  const inProgress = new Set<ServerResponse>();
  responsesInProgress.set(server, inProgress);
  // Runs before the app (listeners run in order), so the answer is still unsent.
  server.on('request', (_req, res: ServerResponse) => {
    if (lastAnswers.has(server)) res.shouldKeepAlive = false;
    inProgress.add(res);
    res.once('close', () => {
      inProgress.delete(res);
      // A response sent before closing began left its connection kept alive, now idle.
      if (lastAnswers.has(server) && !server.listening) setImmediate(() => server.closeIdleConnections());
    });
  });
  server.on('request', app);
  // Keep-alive longer than typical load balancers' idle timeout so they close first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

/**
 * Draining (a server made by `createHttpServer`): requests are still served, each answer
 * closing its connection, so clients open their next one through the load balancer to
 * another replica instead of reusing a connection that will soon be closed under them.
 */
export function answerLastOnEachConnection(server: Server): void {
  lastAnswers.add(server);
  for (const res of responsesInProgress.get(server) ?? []) if (!res.headersSent) res.shouldKeepAlive = false;
}

/** Starts listening, turning "address in use" into one clear sentence. */
export function listen(server: Server, port: number, host: string, serviceName: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE' ? new Error(`${serviceName}: port ${port} on ${host} is already in use`) : error,
      );
    });
    server.listen(port, host, () => resolve(server));
  });
}

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/**
 * Stops accepting connections, lets requests in flight finish, and closes every connection
 * as soon as it has nothing in flight: idle ones at once (a request the client sent on one
 * meanwhile is never read, so the client may safely send it again), busy ones once their
 * answer, which says `Connection: close`, is out. Without that, a kept-alive connection with
 * a request in flight would hold the server open until its keep-alive timeout (65 s).
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    answerLastOnEachConnection(server);
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
