import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ExportedMetrics } from './metrics-exposition';
import {
  MetricReference,
  interpolateGrafanaVariables,
  labelValuesReference,
  metricReferences,
} from './promql-references';

/** The repository, from e2e/dist/cluster. */
export const repositoryRoot = resolve(__dirname, '../../..');
export const DASHBOARD_FILE = 'deploy/grafana/marketplace-dashboard.json';
export const ALERTS_FILE = 'deploy/prometheus/alerts.yml';

/**
 * Metrics the dashboard and the alerts use that another branch of issue 24 adds (the relay's
 * leader gauge, kit/src/events/relay.ts), with the labels they will carry. Accepted only while
 * no service exports them; once one does, they are checked like the others. Remove each entry
 * after that branch is merged.
 */
export const EXPECTED_FROM_OTHER_BRANCHES: Readonly<Record<string, readonly string[]>> = {};

/** Labels Prometheus attaches to every series of a target when it scrapes it, not the services. */
export const TARGET_LABELS: readonly string[] = ['instance', 'job'];

/** One PromQL expression of the dashboard or the alerts, with where it is. */
export interface Expression {
  where: string;
  expr: string;
  references: MetricReference[];
}

export interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr?: string; refId?: string; datasource?: { type: string; uid: string } }[];
  panels?: GrafanaPanel[];
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  panels: GrafanaPanel[];
  templating: {
    list: {
      name: string;
      type: string;
      query: string | { query: string };
      datasource?: { type: string; uid: string };
      includeAll?: boolean;
      allValue?: string;
    }[];
  };
}

export interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface AlertFile {
  groups: { name: string; interval?: string; rules: AlertRule[] }[];
}

export function readDashboard(): GrafanaDashboard {
  return JSON.parse(readFileSync(join(repositoryRoot, DASHBOARD_FILE), 'utf8')) as GrafanaDashboard;
}

export function readAlerts(): AlertFile {
  return parseYaml(readFileSync(join(repositoryRoot, ALERTS_FILE), 'utf8')) as AlertFile;
}

/** Every panel, rows' collapsed panels included. */
export function panelsOf(dashboard: GrafanaDashboard): GrafanaPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** The dashboard's queries (variables' and panels'), each parsed after Grafana's interpolation. */
export function dashboardExpressions(dashboard: GrafanaDashboard): Expression[] {
  const variables = dashboard.templating.list
    .filter((variable) => variable.type === 'query')
    .map((variable) => {
      const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
      return { where: `variable $${variable.name}`, expr: query, references: [labelValuesReference(query)] };
    });
  const targets = panelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => {
      const expr = target.expr ?? '';
      return {
        where: `panel ${panel.id} "${panel.title}" ${target.refId ?? ''}`.trim(),
        expr,
        references: metricReferences(interpolateGrafanaVariables(expr)),
      };
    }),
  );
  return [...variables, ...targets];
}

export function alertExpressions(alerts: AlertFile): Expression[] {
  return alerts.groups.flatMap((group) =>
    group.rules.map((rule) => ({
      where: `${group.name}/${rule.alert ?? rule.record}`,
      expr: rule.expr,
      references: metricReferences(rule.expr),
    })),
  );
}

/**
 * What would go wrong with these expressions against what the services export: a metric no
 * service exports, a label (matched or grouped on) none of its samples carries, a value an
 * equality matcher compares with that none of its samples has. Empty when all is well.
 */
export function problemsWith(expressions: Expression[], exported: ExportedMetrics): string[] {
  const problems: string[] = [];
  for (const { where, references } of expressions) {
    for (const { metric, matchers, groupedBy } of references) {
      const pending = EXPECTED_FROM_OTHER_BRANCHES[metric];
      if (!exported.has(metric)) {
        if (!pending) problems.push(`${where}: no service exports ${metric}`);
        for (const label of [...groupedBy, ...matchers.map((matcher) => matcher.label)])
          if (pending && !pending.includes(label) && !TARGET_LABELS.includes(label))
            problems.push(`${where}: ${metric} (from another branch) will not carry the label ${label}`);
        continue;
      }
      const carried = (label: string) => TARGET_LABELS.includes(label) || exported.labelValues(metric, label).size > 0;
      for (const label of new Set(groupedBy))
        if (!carried(label)) problems.push(`${where}: ${metric} has no label ${label} (grouped on)`);
      for (const { label, op, value } of matchers) {
        if (!carried(label)) {
          problems.push(`${where}: ${metric} has no label ${label} (matched ${op}"${value}")`);
          continue;
        }
        const literal = op === '=' || op === '!=';
        if (literal && !TARGET_LABELS.includes(label) && !exported.labelValues(metric, label).has(value))
          problems.push(
            `${where}: no sample of ${metric} has ${label}="${value}" (it has ${[...exported.labelValues(metric, label)].join(', ')})`,
          );
      }
    }
  }
  return problems;
}
