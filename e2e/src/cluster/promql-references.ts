import type { SyntaxNode } from '@lezer/common' with { 'resolution-mode': 'import' };
import type { parser as PromQLParser } from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };

/**
 * Prometheus's PromQL grammar (lezer), as its own UI parses queries. The package's types are
 * declared for `import` only, while its `require` entry (dist/index.cjs) is the one a CommonJS
 * test loads: so types from the one, code from the other.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: typeof PromQLParser };

/** One label matcher of a selector: `outcome="error"`, `service=~".*"`. */
export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** What an expression asks of one metric: its name, its matchers, the labels it is grouped or matched on. */
export interface MetricReference {
  metric: string;
  matchers: LabelMatcher[];
  /** Labels of `by`, `without`, `on`, `ignoring` and `group_*` clauses over this selector. */
  groupedBy: string[];
}

/**
 * Grafana's own variables, replaced as Grafana does before the query reaches Prometheus
 * ("All" for the service variable): the parser sees the query Prometheus gets.
 */
const GRAFANA_VARIABLES: Record<string, string> = {
  $__rate_interval: '1m',
  $__interval: '30s',
  $__range: '6h',
  $service: '.*',
};

export function interpolateGrafanaVariables(expr: string): string {
  let interpolated = expr;
  // Longest first: `$__rate_interval` before `$__range`'s prefix could take part of it.
  for (const name of Object.keys(GRAFANA_VARIABLES).sort((a, b) => b.length - a.length))
    interpolated = interpolated.split(name).join(GRAFANA_VARIABLES[name]);
  const unknown = /\$\w+/.exec(interpolated);
  if (unknown) throw new Error(`unknown Grafana variable ${unknown[0]} in ${expr}`);
  return interpolated;
}

/**
 * Parses `expr` with Prometheus's own PromQL grammar (the one its UI uses) and lists every
 * metric it selects, with the matchers and grouping labels applied to it. Throws on a syntax
 * error, naming where.
 */
export function metricReferences(expr: string): MetricReference[] {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`at ${node.from}: "${expr.slice(Math.max(0, node.from - 20), node.to + 20)}"`);
    },
  });
  if (errors.length > 0) throw new Error(`PromQL syntax error ${errors.join('; ')} in: ${expr}`);

  const selectors: SyntaxNode[] = [];
  const groupings: SyntaxNode[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.name === 'VectorSelector') selectors.push(node.node);
      if (node.name === 'GroupingLabels') groupings.push(node.node);
    },
  });
  const text = (node: SyntaxNode) => expr.slice(node.from, node.to);
  const references = new Map<SyntaxNode, MetricReference>();
  for (const selector of selectors) {
    const name = selector.getChild('Identifier');
    if (!name) throw new Error(`a selector without a metric name (${text(selector)}) cannot be checked: ${expr}`);
    const matchers = (selector.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []).map(
      (matcher): LabelMatcher => ({
        label: text(matcher.getChild('LabelName')!),
        op: text(matcher.getChild('MatchOp')!) as LabelMatcher['op'],
        value: stringValue(text(matcher.getChild('StringLiteral')!)),
      }),
    );
    if (selector.getChild('LabelMatchers')?.getChild('QuotedLabelMatcher'))
      throw new Error(`quoted label names are not checked: ${text(selector)}`);
    references.set(selector, { metric: text(name), matchers, groupedBy: [] });
  }
  // A grouping clause applies to every selector of the aggregation or binary operation it belongs to.
  for (const grouping of groupings) {
    let scope = grouping.parent;
    while (scope && scope.name !== 'AggregateExpr' && scope.name !== 'BinaryExpr') scope = scope.parent;
    if (!scope) throw new Error(`a grouping clause outside an aggregation or binary operation: ${expr}`);
    const labels = grouping.getChildren('LabelName').map(text);
    for (const [selector, reference] of references)
      if (selector.from >= scope.from && selector.to <= scope.to) reference.groupedBy.push(...labels);
  }
  return [...references.values()];
}

/** A PromQL string literal's value: double quotes with escapes, single quotes, or backticks (raw). */
function stringValue(literal: string): string {
  if (literal.startsWith('"')) return JSON.parse(literal) as string;
  return literal.slice(1, -1);
}

/** `label_values(metric, label)`, the Grafana variable query, as the one reference it makes. */
export function labelValuesReference(query: string): MetricReference {
  const found = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(query.trim());
  if (!found) throw new Error(`not a label_values(metric, label) query: ${query}`);
  return { metric: found[1], matchers: [], groupedBy: [found[2]] };
}
