import type { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, InlineFragmentNode, Kind, OperationTypeNode, SelectionSetNode, visit } from 'graphql';
import type { GatewayContext } from '../edge/request-context';

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
  Payout: 'status',
};

const PROBE_PREFIX = '_nodeExists';
const probeAlias = (typename: string) => `${PROBE_PREFIX}${typename}`;
const NODE_FIELDS = new Set(['node', 'nodes']);

/**
 * Makes `node`/`nodes` answer `null` for an object its owner did not resolve (missing or
 * hidden), with no error: every such selection also asks the owner for a non-null field
 * (aliased `_nodeExists<Type>`), whose absence makes @apollo/gateway null the object; the
 * probe, and the `extensions.valueCompletion` notes the gateway writes under those fields
 * (a non-null field missing because the owner resolved nothing), are removed before the
 * answer leaves. Runs on the document after validation and the limits.
 */
export function nodeExistencePlugin(
  probes: Readonly<Record<string, string>> = NODE_EXISTENCE_PROBES,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      /** Response keys of the probed root fields. */
      let probed = new Set<string>();
      return {
        async didResolveOperation(requestContext) {
          if (requestContext.operation?.operation !== OperationTypeNode.QUERY) return;
          const rewritten = withProbes(requestContext.document, probes);
          if (rewritten.keys.size === 0) return;
          probed = rewritten.keys;
          (requestContext as { document: DocumentNode }).document = rewritten.document;
        },
        async willSendResponse({ response }) {
          if (probed.size === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          for (const key of probed) stripProbes(result.data?.[key]);
          const notes = result.extensions?.valueCompletion;
          if (!Array.isArray(notes)) return;
          // Under a probed field a note only ever says its owner did not resolve the object: that is the null.
          const kept = notes.filter((note: { path?: unknown[] }) => !probed.has(String(note.path?.[0])));
          if (kept.length > 0) result.extensions!.valueCompletion = kept;
          else {
            delete result.extensions!.valueCompletion;
            if (Object.keys(result.extensions!).length === 0) delete (result as { extensions?: unknown }).extensions;
          }
        },
      };
    },
  };
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
        if (selection.kind !== Kind.FIELD || !NODE_FIELDS.has(selection.name.value) || !selection.selectionSet)
          return selection;
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
