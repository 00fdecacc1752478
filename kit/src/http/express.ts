import type { ErrorRequestHandler } from 'express';
import { RequestListener, createServer, Server } from 'node:http';
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

export function createHttpServer(app: RequestListener): Server {
  const server = createServer(app);
  // Keep-alive longer than typical load balancers' idle timeout so they close first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
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

/** Stops accepting connections and closes idle keep-alive sockets so shutdown is prompt. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
