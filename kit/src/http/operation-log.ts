import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../logger';

/** What the operation log records of one operation; never its variables. */
export interface OperationLogLine {
  operationName: string | null | undefined;
  operationType: string | undefined;
  /** `performance.now()` when the request started. */
  startedAt: number;
  /** Each error's `extensions.code`. */
  errors: string[] | undefined;
}

/** One structured line per GraphQL operation: name, type, duration and error codes. */
export function logOperation(log: Logger, { operationName, operationType, startedAt, errors }: OperationLogLine): void {
  const durationMs = Math.round((performance.now() - startedAt) * 10) / 10;
  log.info({ operationName, operationType, durationMs, errors }, 'graphql operation');
}

/** The operation log as an Apollo Server plugin. */
export function operationLogPlugin<TContext extends { log: Logger }>(): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: async ({ contextValue }) => {
      const startedAt = performance.now();
      return {
        willSendResponse: async ({ operationName, operation, errors }) => {
          const codes = errors?.map((error) =>
            typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR',
          );
          logOperation(contextValue.log, {
            operationName,
            operationType: operation?.operation,
            startedAt,
            errors: codes,
          });
        },
      };
    },
  };
}
