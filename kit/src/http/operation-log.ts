import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../logger';

/**
 * One structured line per GraphQL request: method, operation name and type, HTTP status,
 * duration and error codes (and, from the logger, the trace id); never its variables.
 */
export function operationLogPlugin<TContext extends { log: Logger }>(): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: async ({ contextValue }) => {
      const startedAt = performance.now();
      return {
        willSendResponse: async ({ operationName, operation, errors, request, response }) => {
          const codes = errors?.map((error) =>
            typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR',
          );
          const durationMs = Math.round((performance.now() - startedAt) * 10) / 10;
          contextValue.log.info(
            {
              method: request.http?.method,
              operationName,
              operationType: operation?.operation,
              status: response.http.status ?? 200,
              durationMs,
              errors: codes,
            },
            'graphql operation',
          );
        },
      };
    },
  };
}
