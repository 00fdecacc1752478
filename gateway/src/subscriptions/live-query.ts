import {
  DefinitionNode,
  DocumentNode,
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
import { LIVE_FIELDS } from './live-fields';

/** A subscription rewritten as the query that answers each of its pushes. */
export interface LiveQuery {
  /** The query text: `orderUpdated(orderId: $id) { … }` became `orderUpdated: order(id: $id) { … }`. */
  query: string;
  operationName: string | undefined;
  /** The change-feed topic to follow. */
  topic: string;
}

/**
 * Rewrites a validated subscription into its live query. The root field keeps its
 * response key (as an alias), so the query's `data` is exactly the subscription's payload.
 */
export function toLiveQuery(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
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
  const args = getArgumentValues(subscriptionType.getFields()[field.name.value], field, variables);

  const rootField: FieldNode = {
    ...field,
    alias: { kind: Kind.NAME, value: (field.alias ?? field.name).value },
    name: { kind: Kind.NAME, value: live.queryField },
    arguments: field.arguments?.map((argument) => ({
      ...argument,
      name: { kind: Kind.NAME, value: live.arguments[argument.name.value] ?? argument.name.value },
    })),
  };
  const query: OperationDefinitionNode = {
    ...operation,
    operation: OperationTypeNode.QUERY,
    selectionSet: { ...operation.selectionSet, selections: [rootField] },
  };
  const definitions: DefinitionNode[] = [
    query,
    ...document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION),
  ];
  return {
    query: print({ kind: Kind.DOCUMENT, definitions }),
    operationName: operation.name?.value,
    topic: live.topic(args),
  };
}
