import type { ValidationRule } from 'graphql';
import { OperationShapeLimits, operationShapeRules } from '@marketplace/kit';
import { CostLimits, costBudget, maxCostRule } from './cost';

/**
 * Operation limits run as validation rules, so an operation that breaks one is refused
 * before the gateway plans it and before any subgraph sees it. Depth, aliases and directives
 * are the kit's rules (kit/src/server/operation-limits.ts: every subgraph port applies the
 * same ones, with the same settings); cost is the gateway's own (cost.ts: it needs the
 * supergraph); tokens are counted by graphql-js's parser (`maxTokens`).
 */

export interface OperationLimits extends OperationShapeLimits, CostLimits {}

/** Who runs the operation, with which variables: what the cost budget depends on. */
export interface OperationRequest {
  signedIn: boolean;
  variables?: Readonly<Record<string, unknown>> | null;
}

/**
 * The rules that depend on the document alone, and, given the request, the cost limit too.
 * Apollo Server caches a validated document and skips these rules on its next use, so over
 * HTTP the cost limit, which depends on the caller, runs in costLimitPlugin instead.
 */
export function limitRules(limits: OperationLimits, request?: OperationRequest): ValidationRule[] {
  const rules = operationShapeRules(limits);
  if (request) {
    const { signedIn, variables } = request;
    rules.push(maxCostRule(costBudget(limits, signedIn), variables ?? undefined, signedIn));
  }
  return rules;
}
