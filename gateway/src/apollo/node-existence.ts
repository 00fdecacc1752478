import { createHash } from 'node:crypto';
import type {
  GatewayExecutionResult,
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
} from '@apollo/server-gateway-interface';
import {
  DocumentNode,
  FieldNode,
  InlineFragmentNode,
  Kind,
  OperationTypeNode,
  SelectionNode,
  SelectionSetNode,
  print,
  visit,
} from 'graphql';

/**
 * For each Node type answered by reference (its owner is not the subgraph serving `node`),
 * a non-null field only its owner resolves. The users subgraph answers `id` and `__typename`
 * of a reference itself, so without it a selection needing nothing else from the owner would
 * answer a missing or hidden object (`node(id:) { id }` → `{ id }`) instead of `null`
 * (docs/api-conventions.md §8). A test checks each against the composed supergraph.
 */
export const NODE_EXISTENCE_PROBES: Readonly<Record<string, string>> = {
  Vendor: 'displayName',
  Product: 'name',
  Order: 'status',
  Payment: 'status',
  License: 'status',
  Category: 'name',
  Review: 'rating',
  Payout: 'status',
  AuditRecord: 'action',
  Notification: 'kind',
};

const PROBE_PREFIX = '_nodeExists';
const probeAlias = (typename: string) => `${PROBE_PREFIX}${typename}`;
const NODE_FIELDS = new Set(['node', 'nodes']);

/**
 * Makes `node`/`nodes` answer `null` for an object its owner did not resolve (missing or
 * hidden), with no error: every such selection also asks the owner for a non-null field
 * (aliased `_nodeExists<Type>`), whose absence makes @apollo/gateway null the object; the
 * probe, and the `extensions.valueCompletion` notes the gateway writes under those fields
 * (a non-null field missing because the owner resolved nothing), are removed from the
 * executor's result. Built on the public gateway interface (@apollo/server-gateway-interface):
 * the gateway's executor is wrapped, so Apollo Server's pipeline (validation, the limits, the
 * cost, every plugin, the response cache) sees the client's document, and only the plan and
 * its execution see the probed one.
 */
export function withNodeExistence(
  gateway: GatewayInterface,
  probes: Readonly<Record<string, string>> = NODE_EXISTENCE_PROBES,
): GatewayInterface {
  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    load: async (options) => {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: loaded.executor && probingExecutor(loaded.executor, probes) };
    },
    stop: () => gateway.stop(),
  };
}

/** `executor`, running a query with root `node`/`nodes` fields on a probed copy of its request context. */
export function probingExecutor(executor: GatewayExecutor, probes: Readonly<Record<string, string>>): GatewayExecutor {
  return async (requestContext) => {
    const probed = probedRequest(requestContext, probes);
    if (!probed) return executor(requestContext);
    return withoutProbes(await executor(probed.requestContext), probed.keys);
  };
}

/**
 * A copy of the request context whose operation has the probes, or undefined when it has no root
 * `node`/`nodes` field. What the executor reads of the operation stays consistent: `document` and
 * `operation` (its definition in that document) are the probed ones, `queryHash` (the key of the
 * gateway's query plan cache) is its own, and `source` prints the probed document (read only by
 * telemetry, so printed only when read).
 */
function probedRequest(
  requestContext: GatewayGraphQLRequestContext,
  probes: Readonly<Record<string, string>>,
): { requestContext: GatewayGraphQLRequestContext; keys: Set<string> } | undefined {
  const { operation, document } = requestContext;
  if (operation?.operation !== OperationTypeNode.QUERY || !operation.selectionSet.selections.some(isNodeField))
    return undefined;
  const rewritten = withProbes(document, probes);
  if (rewritten.keys.size === 0) return undefined;
  // withProbes keeps every definition in its place.
  const probedOperation = rewritten.document.definitions[document.definitions.indexOf(operation)];
  if (probedOperation?.kind !== Kind.OPERATION_DEFINITION) return undefined;
  let source: string | undefined;
  return {
    keys: rewritten.keys,
    requestContext: {
      ...requestContext,
      document: rewritten.document,
      operation: probedOperation,
      queryHash: createHash('sha256').update(requestContext.queryHash).update('\0node-existence').digest('hex'),
      get source() {
        return (source ??= print(rewritten.document));
      },
    },
  };
}

/** The result without the probes under `keys`, and without the valueCompletion notes they caused. */
function withoutProbes(result: GatewayExecutionResult, keys: ReadonlySet<string>): GatewayExecutionResult {
  for (const key of keys) stripProbes(result.data?.[key]);
  const notes: unknown = result.extensions?.valueCompletion;
  if (!Array.isArray(notes)) return result;
  // Under a probed field a note only ever says its owner did not resolve the object: that is the null.
  const kept = notes.filter((note: { path?: unknown[] }) => !keys.has(String(note.path?.[0])));
  const { valueCompletion: _valueCompletion, ...extensions } = result.extensions!;
  if (kept.length > 0) extensions.valueCompletion = kept;
  const { extensions: _extensions, ...rest } = result;
  return Object.keys(extensions).length > 0 ? { ...rest, extensions } : rest;
}

/** A root `node`/`nodes` field with a selection. */
function isNodeField(selection: SelectionNode): selection is FieldNode & { selectionSet: SelectionSetNode } {
  return selection.kind === Kind.FIELD && NODE_FIELDS.has(selection.name.value) && !!selection.selectionSet;
}

/** The document with a probe in every root `node`/`nodes` selection, and the response keys of those fields. */
export function withProbes(
  document: DocumentNode,
  probes: Readonly<Record<string, string>>,
): { document: DocumentNode; keys: Set<string> } {
  const keys = new Set<string>();
  const fragments: InlineFragmentNode[] = Object.entries(probes).map(([typename, field]) => ({
    kind: Kind.INLINE_FRAGMENT,
    typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: typename } },
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: [
        {
          kind: Kind.FIELD,
          alias: { kind: Kind.NAME, value: probeAlias(typename) },
          name: { kind: Kind.NAME, value: field },
        },
      ],
    },
  }));
  const rewritten = visit(document, {
    OperationDefinition(operation) {
      if (operation.operation !== OperationTypeNode.QUERY) return false;
      const selections = operation.selectionSet.selections.map((selection) => {
        if (!isNodeField(selection)) return selection;
        keys.add((selection.alias ?? selection.name).value);
        const selectionSet: SelectionSetNode = {
          ...selection.selectionSet,
          selections: [...selection.selectionSet.selections, ...fragments],
        };
        return { ...selection, selectionSet };
      });
      if (selections.every((selection, index) => selection === operation.selectionSet.selections[index])) return false;
      return { ...operation, selectionSet: { ...operation.selectionSet, selections } };
    },
    FragmentDefinition: () => false,
  });
  return { document: rewritten, keys };
}

/** Removes every probe from an answer (in place). */
function stripProbes(value: unknown): void {
  if (Array.isArray(value)) value.forEach(stripProbes);
  else if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) {
      if (key.startsWith(PROBE_PREFIX)) delete (value as Record<string, unknown>)[key];
      else stripProbes(inner);
    }
}
