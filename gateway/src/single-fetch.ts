import type { ApolloGateway, Experimental_DidResolveQueryPlanCallback, GraphQLDataSource } from '@apollo/gateway';
import {
  DocumentNode,
  FragmentDefinitionNode,
  FragmentSpreadNode,
  GraphQLCompositeType,
  GraphQLError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  SelectionNode,
  SelectionSetNode,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  parse,
  print,
} from 'graphql';
import type { GatewayContext } from './context';
import { DOWNSTREAM_SERVICE_ERROR, IncomingOperation } from './remote-data-source';
import { VariableChecker, variableChecker } from './variable-check';

type PlanResolved = Parameters<Experimental_DidResolveQueryPlanCallback>[0];
type PlanNode = NonNullable<PlanResolved['queryPlan']['node']>;
type FetchNode = Extract<PlanNode, { kind: 'Fetch' }>;
type Executor = ApolloGateway['executor'];
type RequestContext = Parameters<Executor>[0];
/** The executor's result for one operation. */
export type ExecutionResult = Awaited<ReturnType<Executor>>;
/** What Apollo Server uses of a gateway. */
type GatewayInterface = Pick<ApolloGateway, 'load' | 'onSchemaLoadOrUpdate' | 'stop'>;

/** The data source's request kind for a client's operation (the enum itself is not exported). */
const INCOMING_OPERATION = 'incoming operation' as IncomingOperation['kind'];
/** Query texts remembered for the lean lane; past this many the oldest is forgotten (it is then served through Apollo until learned again). */
const MAX_LEARNED_TEXTS = 1_000;
/** Longer texts are not remembered, which bounds the memory they hold (~16 MiB): the operations frontends send are far shorter. */
const MAX_LEARNED_TEXT_CHARS = 16_384;

/**
 * Where the lane leaves a result it made but lets Apollo send (one with errors), so the
 * executor returns it instead of checking and fetching again. A property of the context, because Apollo
 * copies the context's own properties into a new object for each operation.
 */
const HANDED_OVER = Symbol('single-fetch answer handed over');
type ContextCarrying = GatewayContext & { [HANDED_OVER]?: ExecutionResult };

/** The part of a request context the data source reads: who is asking, and the policy its answer's `Cache-Control` restricts. */
export type IncomingRequest = Pick<RequestContext, 'overallCachePolicy'> & { context: GatewayContext };

/** An operation one subgraph answers whole, exactly as the client asked it. */
export interface DirectRoute {
  fetch: FetchNode;
  dataSource: GraphQLDataSource<GatewayContext>;
  operation: OperationDefinitionNode;
  /** The answer when the subgraph sends no data: each root field null, or null itself when one is non-null. */
  dataWithoutAnswer: Record<string, null> | null;
  /** The executor's check of the provided variables. */
  checkVariables: VariableChecker;
}

/**
 * Serves operations whose query plan is one fetch of the client's own operation from one
 * subgraph (a product card, `me`, most mutations) without @apollo/gateway's executor.
 *
 * For such a plan the executor still rebuilds the operation from the document on every
 * request to shape the subgraph's answer into the client's, which it already is: same
 * fields, aliases, order and nullability, since the subgraph ran the very selection the
 * client sent. That, the plan-cache key's hash and the executor's tracing were about a
 * quarter of the gateway's CPU per request on such an operation (README, Benchmarks).
 *
 * The gateway plans every operation the first time it sees its parsed document; the plan
 * says whether the operation qualifies. Apollo Server hands out the same document object for
 * the same query text, so later requests find the route by document and send the fetch
 * themselves, with the same variable checks, subgraph request and error mapping as the
 * executor's. Anything else (entity fetches, several subgraphs, abstract types the planner
 * adds `__typename` to, root directives, introspection) keeps the executor.
 */
export class SingleFetchShortcut {
  private routes = new WeakMap<DocumentNode, Map<string, DirectRoute | null>>();
  /** The same routes by query text and operation name, for requests that skip Apollo's pipeline (single-fetch-lane.ts). */
  private byText = new Map<string, Map<string, DirectRoute>>();

  constructor(private readonly onDirect: () => void = () => undefined) {}

  /** For `ApolloGateway`'s `experimental_didResolveQueryPlan`: decides once per document and operation. */
  readonly learn = ({ queryPlan, serviceMap, operationContext, requestContext }: PlanResolved): void => {
    const document = requestContext.document;
    if (!document) return;
    let byName = this.routes.get(document);
    if (!byName) this.routes.set(document, (byName = new Map()));
    const key = requestContext.request.operationName ?? '';
    if (byName.has(key)) return;
    const node = queryPlan.node;
    const dataSource = node?.kind === 'Fetch' ? serviceMap[node.serviceName] : undefined;
    const direct =
      node?.kind === 'Fetch' &&
      dataSource &&
      isPassThrough(operationContext.schema, node, operationContext.operation, operationContext.fragments);
    const { schema, operation } = operationContext;
    const route = direct
      ? {
          fetch: node,
          dataSource,
          operation,
          dataWithoutAnswer: dataWithoutAnswer(schema, operation),
          checkVariables: variableChecker(schema, operation.variableDefinitions ?? []),
        }
      : null;
    byName.set(key, route);
    if (route) this.rememberText(requestContext.source, key, route);
  };

  /** The route learned for this query text and operation name (none: `undefined`), if any. */
  routeFor(query: string, operationName: string | undefined): DirectRoute | undefined {
    return this.byText.get(query)?.get(operationName ?? '');
  }

  /** Leaves a result the lane made for Apollo to send: its executor will return it for this context instead of checking and fetching again. */
  handOver(context: GatewayContext, result: ExecutionResult): void {
    (context as ContextCarrying)[HANDED_OVER] = result;
  }

  private rememberText(source: string | undefined, operationName: string, route: DirectRoute): void {
    if (source === undefined || source.length > MAX_LEARNED_TEXT_CHARS) return;
    let byName = this.byText.get(source);
    if (!byName) {
      if (this.byText.size >= MAX_LEARNED_TEXTS) this.byText.delete(this.byText.keys().next().value as string);
      this.byText.set(source, (byName = new Map()));
    }
    byName.set(operationName, route);
  }

  /** Apollo Server's view of `gateway`: its executor, with the shortcut in front. */
  wrap(gateway: GatewayInterface): GatewayInterface {
    return {
      load: async (options) => {
        const loaded = await gateway.load(options);
        return {
          ...loaded,
          executor: (requestContext: RequestContext) => this.execute(requestContext, loaded.executor),
        };
      },
      // A new supergraph plans differently: every document is decided again.
      onSchemaLoadOrUpdate: (callback) =>
        gateway.onSchemaLoadOrUpdate((schemaContext) => {
          this.routes = new WeakMap();
          this.byText = new Map();
          callback(schemaContext);
        }),
      stop: () => gateway.stop(),
    };
  }

  private execute(requestContext: RequestContext, executor: Executor): Promise<ExecutionResult> {
    const context = requestContext.context as ContextCarrying;
    const fetched = context[HANDED_OVER];
    if (fetched) {
      delete context[HANDED_OVER];
      this.onDirect();
      return Promise.resolve(fetched);
    }
    const route =
      requestContext.document &&
      this.routes.get(requestContext.document)?.get(requestContext.request.operationName ?? '');
    if (!route) return executor(requestContext);
    this.onDirect();
    return sendDirect(
      route,
      requestContext.request.variables ?? {},
      requestContext as RequestContext & { context: GatewayContext },
    );
  }
}

/** What the executor does for a one-fetch plan, less the result shaping the subgraph already did. */
export async function sendDirect(
  route: DirectRoute,
  provided: Record<string, unknown>,
  incoming: IncomingRequest,
): Promise<ExecutionResult> {
  const errors = route.checkVariables(provided);
  if (errors) return { errors: [...errors] };
  const { fetch } = route;
  const variables: Record<string, unknown> = Object.create(null);
  for (const name of fetch.variableUsages ?? []) {
    if (Object.prototype.hasOwnProperty.call(provided, name) && provided[name] !== undefined)
      variables[name] = provided[name];
  }
  try {
    const response = await route.dataSource.process({
      kind: INCOMING_OPERATION,
      request: { query: fetch.operation, variables, operationName: fetch.operationName },
      // Our data source reads only the context and the cache policy of the incoming request (remote-data-source.ts).
      incomingRequestContext: incoming as unknown as IncomingOperation['incomingRequestContext'],
      context: incoming.context,
      pathInIncomingRequest: [],
    });
    const data = response.data ?? route.dataWithoutAnswer;
    if (!response.errors) return { data };
    return { errors: response.errors.map((error) => downstreamError(error, fetch.serviceName)), data };
  } catch (error) {
    return { errors: [error as GraphQLError], data: route.dataWithoutAnswer };
  }
}

/** A subgraph's error as @apollo/gateway passes it on: tagged with the subgraph, coded DOWNSTREAM_SERVICE_ERROR when it had no code. */
function downstreamError(
  error: NonNullable<Awaited<ReturnType<GraphQLDataSource['process']>>['errors']>[number],
  serviceName: string,
): GraphQLError {
  const extensions = error.extensions?.code
    ? { ...error.extensions, serviceName }
    : { ...error.extensions, serviceName, code: DOWNSTREAM_SERVICE_ERROR };
  return new GraphQLError(error.message || `Error while fetching subquery from service "${serviceName}"`, {
    originalError: error as unknown as Error,
    path: error.path,
    extensions,
  });
}

/**
 * True when the fetch asks its subgraph exactly what the client asked the gateway: the same
 * root fields with no directives, the same selections once fragments are spelled out, the
 * same variables, and nothing the executor would still have to merge, rename or require.
 */
function isPassThrough(
  schema: GraphQLSchema,
  fetch: FetchNode,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
): boolean {
  if (fetch.requires || fetch.inputRewrites?.length || fetch.outputRewrites?.length || fetch.contextRewrites?.length)
    return false;
  if (fetch.operationKind !== operation.operation) return false;
  const rootFieldsOnly = operation.selectionSet.selections.every(
    (selection) =>
      selection.kind === Kind.FIELD && !selection.directives?.length && !selection.name.value.startsWith('__'),
  );
  if (!rootFieldsOnly || operation.directives?.length) return false;
  const sent = parse(fetch.operation, { noLocation: true });
  const sentOperation = sent.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!sentOperation) return false;
  const sentFragments = Object.fromEntries(
    sent.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  try {
    return canonical(schema, sentOperation, sentFragments) === canonical(schema, operation, fragments);
  } catch {
    // A selection this check cannot follow: the executor serves it as before.
    return false;
  }
}

/**
 * The operation printed without its name, with every fragment written out: in place when it
 * is on the type it is spread in (as the planner writes it), as an inline fragment otherwise.
 */
function canonical(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
): string {
  const root = schema.getRootType(operation.operation);
  if (!root) return '';
  const spelledOut = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType): SelectionSetNode => ({
    kind: Kind.SELECTION_SET,
    selections: selectionsOf(selectionSet, parent),
  });
  const selectionsOf = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType): readonly SelectionNode[] =>
    selectionSet.selections.flatMap((selection): readonly SelectionNode[] => {
      if (selection.kind === Kind.FIELD) {
        if (!selection.selectionSet) return [selection];
        const field =
          isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        const type = field && getNamedType(field.type);
        if (!type || !isCompositeType(type))
          throw new Error(`no composite field ${parent.name}.${selection.name.value}`);
        return [{ ...selection, selectionSet: spelledOut(selection.selectionSet, type) }];
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments[selection.name.value] : selection;
      if (!fragment) throw new Error(`unknown fragment ${(selection as FragmentSpreadNode).name.value}`);
      const typeCondition = fragment.typeCondition;
      const type = typeCondition ? schema.getType(typeCondition.name.value) : parent;
      if (!type || !isCompositeType(type)) throw new Error(`no composite type ${typeCondition?.name.value}`);
      if (type === parent && !selection.directives?.length) return selectionsOf(fragment.selectionSet, parent);
      return [
        {
          kind: Kind.INLINE_FRAGMENT,
          typeCondition,
          directives: selection.directives,
          selectionSet: spelledOut(fragment.selectionSet, type),
        },
      ];
    });
  return print({ ...operation, name: undefined, selectionSet: spelledOut(operation.selectionSet, root) });
}

function dataWithoutAnswer(schema: GraphQLSchema, operation: OperationDefinitionNode): Record<string, null> | null {
  const root = schema.getRootType(operation.operation);
  const data: Record<string, null> = Object.create(null);
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const field = root?.getFields()[selection.name.value];
    if (!field || isNonNullType(field.type)) return null;
    data[selection.alias?.value ?? selection.name.value] = null;
  }
  return data;
}
