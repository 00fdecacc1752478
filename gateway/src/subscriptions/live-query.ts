import {
  ArgumentNode,
  DefinitionNode,
  DocumentNode,
  ExecutionResult,
  FieldNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  OperationTypeNode,
  getArgumentValues,
  getOperationAST,
  print,
} from 'graphql';
import { apiKeyRefusal, globalId, isUuid } from '@marketplace/kit';
import { LIVE_FIELDS, LiveViewer } from './live-fields';

/** A subscription rewritten as the query that answers each of its pushes. */
export interface LiveQuery {
  /** The query text: `orderUpdated(orderId: $id) { … }` became `orderUpdated: order(id: $id) { … }`. */
  query: string;
  operationName: string | undefined;
  /** The change-feed topic to follow. */
  topic: string;
  /** Whether the first run is pushed (see `LiveField.pushesCurrent`). */
  pushesCurrent: boolean;
  /** The subscription's payload out of the query's answer (a nested field's object moved up to the root key). */
  payloadOf(result: ExecutionResult): ExecutionResult;
  /** For a field whose notices name their subject (`LiveField.notice`): the variables of one notice's run. */
  noticeVariables?: (message: string) => Record<string, unknown>;
}

/** The variable a notice's subject travels in (a name no client operation uses: it is added here). */
export const NOTICE_VARIABLE = 'liveNoticeSubjectId';

/**
 * Rewrites a validated subscription into its live query. The root field keeps its
 * response key (as an alias), so the query's `data` is exactly the subscription's payload.
 */
export function toLiveQuery(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  viewer: LiveViewer | null = null,
): LiveQuery {
  const operation = getOperationAST(document, operationName);
  const subscriptionType = schema.getSubscriptionType();
  if (!operation || operation.operation !== OperationTypeNode.SUBSCRIPTION || !subscriptionType)
    throw new Error('toLiveQuery needs a validated subscription operation');
  // Validation (SingleFieldSubscriptionsRule) guarantees exactly one root field.
  const field = operation.selectionSet.selections[0] as FieldNode;
  const live = LIVE_FIELDS[field.name.value];
  if (!live)
    throw new GraphQLError(`Subscription.${field.name.value} is not served by this gateway`, {
      extensions: { code: 'BAD_REQUEST' },
    });
  const refusedField = `Subscription.${field.name.value}`;
  if (viewer?.apiKey && !(live.apiKeyScope && viewer.apiKey.scopes.includes(live.apiKeyScope))) {
    const scope = live.apiKeyScope ?? null;
    const message = scope
      ? `API keys need the ${scope} scope for ${refusedField}`
      : `API keys may not use ${refusedField}`;
    throw apiKeyRefusal(message, scope, refusedField);
  }
  const args = getArgumentValues(subscriptionType.getFields()[field.name.value], field, variables);

  const topic = live.topic(args, viewer);
  if (topic === null) throw new GraphQLError('You must be signed in', { extensions: { code: 'UNAUTHENTICATED' } });
  const key = (field.alias ?? field.name).value;
  const liveField: FieldNode = {
    ...field,
    alias: { kind: Kind.NAME, value: key },
    name: { kind: Kind.NAME, value: live.nestedField ?? live.queryField },
    arguments: [
      ...(field.arguments ?? []).map((argument): ArgumentNode => ({
        ...argument,
        name: { kind: Kind.NAME, value: live.arguments[argument.name.value] ?? argument.name.value },
      })),
      ...(live.notice
        ? [
            {
              kind: Kind.ARGUMENT as const,
              name: { kind: Kind.NAME as const, value: live.notice.argument },
              value: { kind: Kind.VARIABLE as const, name: { kind: Kind.NAME as const, value: NOTICE_VARIABLE } },
            },
          ]
        : []),
    ],
  };
  // `me { key: newestNotification { … } }` answers `{ key: { key: … } }`: the inner object is the payload.
  const rootField: FieldNode = live.nestedField
    ? {
        kind: Kind.FIELD,
        alias: { kind: Kind.NAME, value: key },
        name: { kind: Kind.NAME, value: live.queryField },
        selectionSet: { kind: Kind.SELECTION_SET, selections: [liveField] },
      }
    : liveField;
  const query: OperationDefinitionNode = {
    ...operation,
    operation: OperationTypeNode.QUERY,
    variableDefinitions: [
      ...(operation.variableDefinitions ?? []),
      ...(live.notice
        ? [
            {
              kind: Kind.VARIABLE_DEFINITION as const,
              variable: { kind: Kind.VARIABLE as const, name: { kind: Kind.NAME as const, value: NOTICE_VARIABLE } },
              type: {
                kind: Kind.NON_NULL_TYPE as const,
                type: { kind: Kind.NAMED_TYPE as const, name: { kind: Kind.NAME as const, value: 'ID' } },
              },
            },
          ]
        : []),
    ],
    selectionSet: { ...operation.selectionSet, selections: [rootField] },
  };
  const definitions: DefinitionNode[] = [
    query,
    ...document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION),
  ];
  return {
    query: print({ kind: Kind.DOCUMENT, definitions }),
    operationName: operation.name?.value,
    topic,
    pushesCurrent: live.pushesCurrent,
    payloadOf: live.nestedField ? (result) => unnested(result, key) : (result) => result,
    ...(live.notice
      ? {
          noticeVariables: (message: string) => ({
            ...variables,
            [NOTICE_VARIABLE]: isUuid(message) ? globalId(live.notice!.typename, message) : message,
          }),
        }
      : {}),
  };
}

/** Moves `data[key][key]` to `data[key]`, and drops the extra path segment of every error under it. */
function unnested(result: ExecutionResult, key: string): ExecutionResult {
  const outer = result.data?.[key] as Record<string, unknown> | null | undefined;
  const errors = result.errors?.map((error) =>
    error.path && error.path.length >= 2 && error.path[0] === key && error.path[1] === key
      ? new GraphQLError(error.message, { path: [key, ...error.path.slice(2)], extensions: error.extensions })
      : error,
  );
  return {
    ...result,
    ...(result.data ? { data: { [key]: outer?.[key] ?? null } } : {}),
    ...(errors ? { errors } : {}),
  };
}
