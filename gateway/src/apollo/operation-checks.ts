import type { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, GraphQLError, Kind, OperationTypeNode } from 'graphql';
import type { GatewayContext } from '../edge/request-context';

/**
 * `extensions.code` of the requests the gateway refuses before planning, each with HTTP 400
 * (413 for a body too large). Clients can tell these apart; none is a server error.
 */
export const RequestRefusalCode = {
  /** The document has several operations and `operationName` does not pick one. */
  OPERATION_NAME_REQUIRED: 'OPERATION_NAME_REQUIRED',
  /** `operationName` names no operation of the document (an empty name included). */
  UNKNOWN_OPERATION_NAME: 'UNKNOWN_OPERATION_NAME',
  /** `extensions.persistedQuery` is not an object with a string `sha256Hash`. */
  PERSISTED_QUERY_INVALID: 'PERSISTED_QUERY_INVALID',
  /** `extensions.persistedQuery.version` is not 1, the only version of automatic persisted queries. */
  PERSISTED_QUERY_VERSION_UNSUPPORTED: 'PERSISTED_QUERY_VERSION_UNSUPPORTED',
  /** The query sent with a persisted-query hash does not hash to it. */
  PERSISTED_QUERY_HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
  /** The declared body is over the limit (HTTP 413). */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
} as const;

export const REQUEST_REFUSAL_CODES: ReadonlySet<string> = new Set(Object.values(RequestRefusalCode));

const badRequest = (message: string, code: string) =>
  new GraphQLError(message, { extensions: { code, http: { status: 400 } } });

/**
 * Refusals @apollo/gateway would otherwise answer with a 500: an operation it cannot pick
 * (several in the document and no `operationName`, or a name the document lacks; its
 * executor assumes Apollo Server found one), and a subscription over HTTP (it cannot execute
 * them; they are served over WebSocket).
 */
export function operationChecks(graphqlPath: string): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        // Apollo Server has already picked the operation the request names (`operation`), if the document has it.
        async didResolveOperation({ operation, request, document }) {
          if (!operation) throw unresolvedOperation(document, request.operationName);
          if (operation.operation === OperationTypeNode.SUBSCRIPTION) {
            throw badRequest(`Subscriptions are served over WebSocket (graphql-ws) on ${graphqlPath}`, 'BAD_REQUEST');
          }
        },
      };
    },
  };
}

function unresolvedOperation(document: DocumentNode, operationName: string | null | undefined): GraphQLError {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operationName && operations.length > 1) {
    return badRequest(
      `The document has ${operations.length} operations: name the one to run in operationName`,
      RequestRefusalCode.OPERATION_NAME_REQUIRED,
    );
  }
  return badRequest(
    operationName ? `Unknown operation named "${operationName}"` : 'operationName is empty: it must name an operation',
    RequestRefusalCode.UNKNOWN_OPERATION_NAME,
  );
}
