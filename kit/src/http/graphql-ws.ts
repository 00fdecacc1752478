import type { Server } from 'node:http';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

/** How long a client may take to send `connection_init` before the socket is closed. */
const CONNECTION_INIT_WAIT_TIMEOUT_MS = 10_000;

export type FormatError = (formatted: GraphQLFormattedError, raw: unknown) => GraphQLFormattedError;

/** The `Authorization` value a graphql-ws client sends in `connectionParams` (either spelling). */
export function authorizationFrom(connectionParams: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = connectionParams?.authorization ?? connectionParams?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Serves graphql-ws on `path` of an existing HTTP server, next to the HTTP endpoint, with
 * errors shaped exactly as over HTTP (codes, no stack traces). Returns the dispose
 * function: it completes every subscription and closes every socket.
 */
export function serveGraphQLOverWebSocket(
  server: Server,
  path: string,
  options: ServerOptions<Record<string, unknown> | undefined, { request: import('node:http').IncomingMessage }> & {
    formatError: FormatError;
  },
): () => Promise<void> {
  const sockets = new WebSocketServer({ server, path });
  const { formatError, ...serverOptions } = options;
  const format = (errors: readonly (GraphQLError | GraphQLFormattedError)[]) =>
    errors.map((error) => formatError(error instanceof GraphQLError ? error.toJSON() : error, error));
  // An `error` message is a request error (execution errors travel in `next`): give it Apollo's code, as HTTP does.
  const requestErrors = (errors: readonly (GraphQLError | GraphQLFormattedError)[]) =>
    format(
      errors.map((error) =>
        error.extensions?.code
          ? error
          : withCode(
              error,
              error.message.startsWith('Syntax Error') ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED',
            ),
      ),
    );
  const cleanup = useServer<Record<string, unknown> | undefined, { request: import('node:http').IncomingMessage }>(
    {
      connectionInitWaitTimeout: CONNECTION_INIT_WAIT_TIMEOUT_MS,
      ...serverOptions,
      onError: (_ctx, _id, _payload, errors) => requestErrors(errors),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : result,
    },
    sockets,
  );
  let disposed: Promise<void> | undefined;
  // Disposing completes every subscription, closes every socket and the WebSocket server.
  return () => (disposed ??= Promise.resolve(cleanup.dispose()));
}

function withCode(error: GraphQLError | GraphQLFormattedError, code: string): GraphQLFormattedError {
  const formatted = error instanceof GraphQLError ? error.toJSON() : error;
  return { ...formatted, extensions: { ...formatted.extensions, code } };
}
