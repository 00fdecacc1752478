import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../logger';

/** One structured line per GraphQL operation: name, type, duration and error codes; never its variables. */
export function operationLogPlugin<TContext extends { log: Logger }>(): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: async ({ contextValue }) => {
      const startedAt = performance.now();
      return {
        willSendResponse: async ({ operationName, operation, errors }) => {
          const codes = errors?.map((error) =>
            typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR',
          );
          const durationMs = Math.round((performance.now() - startedAt) * 10) / 10;
          contextValue.log.info(
            { operationName, operationType: operation?.operation, durationMs, errors: codes },
            'graphql operation',
          );
        },
      };
    },
  };
}
