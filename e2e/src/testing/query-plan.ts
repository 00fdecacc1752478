import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { PlanNode, QueryPlanner, prettyFormatQueryPlan } from '@apollo/query-planner';
import { parse } from 'graphql';

/** e2e/dist/testing → the repository root → the committed supergraph the gateway serves. */
export const SUPERGRAPH_PATH = resolve(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql');

/** One fetch of a query plan: which subgraph, at which step (fetches of one step run in parallel), root or `_entities`. */
export interface PlannedFetch {
  subgraph: string;
  step: number;
  entities: boolean;
  /** The path the fetch's results are merged at (`products.edges.@.node`), empty for a root fetch. */
  path: string;
  /** The operation the gateway sends the subgraph, and the variables of the client's operation it uses. */
  operation: string;
  variables: string[];
}

let planner: { supergraph: Supergraph; planner: QueryPlanner } | undefined;

/**
 * The plan the gateway makes for `query` (the same planner, on the committed supergraph),
 * flattened into its fetches. A step is one position of the plan's sequence: a fetch of step
 * n waits for the fetches of step n − 1; fetches of one step run in parallel.
 */
export function planOf(query: string): { fetches: PlannedFetch[]; pretty: string } {
  if (!planner) {
    const supergraph = Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8'));
    planner = { supergraph, planner: new QueryPlanner(supergraph) };
  }
  const operation = operationFromDocument(planner.supergraph.schema, parse(query), { validate: true });
  const plan = planner.planner.buildQueryPlan(operation);
  const fetches: PlannedFetch[] = [];
  const walk = (node: PlanNode | undefined, step: number, path: string): number => {
    if (!node) return step;
    switch (node.kind) {
      case 'Fetch':
        fetches.push({
          subgraph: node.serviceName,
          step,
          entities: /\b_entities\b/.test(node.operation),
          path,
          operation: node.operation,
          variables: [...(node.variableUsages ?? [])],
        });
        return step + 1;
      case 'Flatten':
        return walk(node.node, step, node.path.join('.'));
      case 'Sequence':
        return node.nodes.reduce((at, child) => walk(child, at, path), step);
      case 'Parallel':
        return Math.max(step, ...node.nodes.map((child) => walk(child, step, path)));
      case 'Condition':
        return Math.max(walk(node.ifClause, step, path), walk(node.elseClause, step, path));
      case 'Defer':
        return Math.max(
          walk(node.primary.node, step, path),
          ...node.deferred.map((deferred) => walk(deferred.node, step + 1, path)),
        );
    }
  };
  const root = plan.node;
  if (root?.kind === 'Subscription') walk(root.rest, walk(root.primary, 0, ''), '');
  else walk(root, 0, '');
  return { fetches, pretty: prettyFormatQueryPlan(plan) };
}

/** `_entities` fetches that share a subgraph and a step with another one: what "at most one per subgraph per step" forbids. */
export function repeatedEntityFetches(fetches: PlannedFetch[]): PlannedFetch[][] {
  const groups = new Map<string, PlannedFetch[]>();
  for (const fetch of fetches.filter((f) => f.entities)) {
    const key = `${fetch.step}:${fetch.subgraph}`;
    groups.set(key, [...(groups.get(key) ?? []), fetch]);
  }
  return [...groups.values()].filter((group) => group.length > 1);
}

/** Planned fetches per subgraph. */
export function plannedFetchCounts(fetches: PlannedFetch[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const fetch of fetches) counts[fetch.subgraph] = (counts[fetch.subgraph] ?? 0) + 1;
  return counts;
}
