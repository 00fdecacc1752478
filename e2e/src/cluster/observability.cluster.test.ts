import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import { Events, createEnvelope } from '@marketplace/kit';
import { TestSubscription, subscribe, subscriptionClient } from '@marketplace/kit/testing';
import { TestSupergraph, startTestSupergraph, until } from '../testing/supergraph';
import { register } from '../testing/privacy';
import { ExportedMetrics } from './metrics-exposition';
import { metricReferences } from './promql-references';
import {
  ALERTS_FILE,
  AlertFile,
  GrafanaDashboard,
  alertExpressions,
  dashboardExpressions,
  panelsOf,
  problemsWith,
  readAlerts,
  readDashboard,
  repositoryRoot,
} from './observability-checks';

/**
 * deploy/grafana/marketplace-dashboard.json and deploy/prometheus/alerts.yml (issue 24): their
 * shape, then every PromQL expression in them, parsed with Prometheus's grammar, against what
 * the gateway and every subgraph really serve on /metrics once some traffic went through (a
 * query, a failing one, a registration and its events, an event given up on, a subscription).
 * A metric, label or label value that disappears from the services fails here.
 */

const dashboard: GrafanaDashboard = readDashboard();
const alerts: AlertFile = readAlerts();
const DATASOURCE = '${datasource}';

/** GitHub's anchors of a Markdown file's headings (no repeated headings in the section they point at). */
function headingAnchors(markdown: string): Set<string> {
  return new Set(
    [...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((heading) =>
      heading[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

describe('the dashboard', () => {
  const panels = panelsOf(dashboard);

  it('is a Grafana dashboard on a Prometheus datasource variable, with a service variable', () => {
    expect(dashboard).toMatchObject({ uid: 'marketplace-supergraph', title: expect.any(String) });
    const variables = new Map(dashboard.templating.list.map((variable) => [variable.name, variable]));
    expect(variables.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(variables.get('service')).toMatchObject({
      type: 'query',
      datasource: { type: 'prometheus', uid: DATASOURCE },
      includeAll: true,
      allValue: '.*',
    });
  });

  it('has unique panel ids, and a Prometheus target with an expression on every panel but rows', () => {
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const graphs = panels.filter((panel) => panel.type !== 'row');
    expect(graphs.length).toBeGreaterThanOrEqual(10);
    const onPrometheus = (source: { type: string; uid: string } | undefined) =>
      source?.type === 'prometheus' && source.uid === DATASOURCE;
    const problems = graphs.flatMap((panel) => {
      const targets = panel.targets ?? [];
      const found = [
        !onPrometheus(panel.datasource) && 'its datasource is not $datasource',
        targets.length === 0 && 'it has no target',
        targets.some((target) => !target.expr?.trim()) && 'a target has no expression',
        targets.some((target) => !onPrometheus(target.datasource)) && "a target's datasource is not $datasource",
        new Set(targets.map((target) => target.refId)).size !== targets.length && 'two targets share a refId',
        panel.gridPos.x + panel.gridPos.w > 24 && 'it is wider than the dashboard',
      ];
      return found
        .filter((problem) => problem !== false)
        .map((problem) => `panel ${panel.id} "${panel.title}": ${problem}`);
    });
    expect(problems).toEqual([]);
  });

  it('parses as PromQL and shows what issue 24 asks for', () => {
    const expressions = dashboardExpressions(dashboard);
    const targets = panels.flatMap((panel) => panel.targets ?? []);
    expect(expressions).toHaveLength(targets.length + 1);
    const grouped = (metric: string) =>
      expressions.flatMap((e) => e.references).filter((reference) => reference.metric === metric);
    const groupsOf = (metric: string) => grouped(metric).map((reference) => reference.groupedBy.join(','));
    // Request rate and errors, p99 per operation and per subgraph.
    expect(grouped('graphql_operations_total').some((r) => r.matchers.some((m) => m.value === 'error'))).toBe(true);
    expect(groupsOf('graphql_operation_duration_seconds_bucket')).toEqual(
      expect.arrayContaining([expect.stringMatching(/\ble\b.*\boperation\b/), 'le,service']),
    );
    for (const metric of [
      'outbox_lag_seconds',
      'events_dead_lettered_total',
      'events_dead_letters_open',
      'events_handling_duration_seconds_bucket',
      'graphql_subscriptions_open',
    ])
      expect({ metric, used: grouped(metric).length > 0 }).toEqual({ metric, used: true });
  });
});

describe('the alert rules', () => {
  const rules = alerts.groups.flatMap((group) => group.rules);
  const operations = readFileSync(join(repositoryRoot, 'docs/operations.md'), 'utf8');

  it('are rule groups of alerts with an expression, a duration, a severity and annotations', () => {
    const groupNames = alerts.groups.map((group) => group.name);
    expect(new Set(groupNames).size).toBe(groupNames.length);
    for (const group of alerts.groups) expect(group.rules.length).toBeGreaterThan(0);
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    const anchors = headingAnchors(operations);
    for (const rule of rules) {
      expect(rule).toEqual({
        alert: expect.stringMatching(/^[A-Z][A-Za-z0-9]+$/),
        expr: expect.any(String),
        for: expect.stringMatching(/^\d+[smhd]$/),
        labels: { severity: expect.stringMatching(/^(critical|warning|info)$/) },
        annotations: {
          summary: expect.any(String),
          description: expect.any(String),
          runbook_url: expect.stringMatching(/^docs\/operations\.md#[a-z0-9-]+$/),
        },
      });
      const anchor = rule.annotations!.runbook_url.split('#')[1];
      expect({ alert: rule.alert, runbook: anchor, found: anchors.has(anchor) }).toEqual({
        alert: rule.alert,
        runbook: anchor,
        found: true,
      });
    }
  });

  it('parse as PromQL and watch what issue 24 asks for', () => {
    const expressions = alertExpressions(alerts);
    expect(expressions).toHaveLength(rules.length);
    const metricsOf = (alert: string) =>
      expressions.find((e) => e.where.endsWith(`/${alert}`))?.references.map((reference) => reference.metric) ?? [];
    expect(metricsOf('GraphQLErrorRateHigh')).toContain('graphql_operations_total');
    expect(metricsOf('GraphQLLatencyP99High')).toEqual(['graphql_operation_duration_seconds_bucket']);
    expect(metricsOf('EventsDeadLettered')).toEqual(['events_dead_lettered_total']);
    expect(metricsOf('OutboxLagHigh')).toEqual(['outbox_lag_seconds']);
    expect(metricsOf('OutboxRelayWithoutLeader')).toEqual(['outbox_relay_leader']);
  });
});

describe(`${ALERTS_FILE} and the dashboard, against the services' /metrics`, () => {
  let supergraph: TestSupergraph;
  let exported: ExportedMetrics;
  const scrapes = new Map<string, string>();
  const sockets: Client[] = [];
  let subscription: TestSubscription | undefined;

  const scrapeAll = async () => {
    const targets: [string, string][] = [
      ['gateway', supergraph.gateway.url],
      ...[...supergraph.subgraphs.values()].map((subgraph): [string, string] => [subgraph.name, subgraph.url]),
    ];
    for (const [service, url] of targets) {
      const response = await fetch(new URL('/metrics', url));
      expect({ service, status: response.status }).toEqual({ service, status: 200 });
      scrapes.set(service, await response.text());
    }
    const all = new ExportedMetrics();
    for (const [service, text] of scrapes) all.add(service, text);
    return all;
  };

  beforeAll(async () => {
    supergraph = await startTestSupergraph({
      EVENTS_MAX_ATTEMPTS: '2',
      EVENTS_RETRY_BASE_MS: '20',
      EVENTS_RETRY_MAX_MS: '50',
    });
    // An operation answered, and one refused (outcome="error").
    expect((await supergraph.client.request('{ products(first: 1) { totalCount } }')).errors).toBeUndefined();
    expect((await supergraph.client.request('{ noSuchField }')).errors).toBeDefined();
    // A registration: user.registered published and handled elsewhere.
    const watcher = await register(supergraph, 'Watcher');
    // A subscription held open on the gateway.
    const socket = subscriptionClient(supergraph.gateway.url, watcher.token);
    sockets.push(socket);
    subscription = subscribe(socket, 'subscription { notificationAdded { id } }');
    // A refund for an order nobody knows: vendor's ledger retries it, then gives up (a dead letter).
    const refund = createEnvelope(
      Events.PaymentRefunded,
      {
        paymentId: randomUUID(),
        orderId: randomUUID(),
        amount: { amount: 1000, currency: 'USD' },
        providerRef: `pi_${randomUUID()}`,
        reason: 'requested_by_customer',
      },
      { source: 'payments', correlationId: `observability-${randomUUID()}`, aggregateId: randomUUID() },
    );
    await supergraph.subgraphs.get('payments')!.events.transport.publish(refund);

    exported = await until(
      async () => {
        const all = await scrapeAll();
        const ready =
          all.labelValues('events_dead_lettered_total', 'type').has('payment.refunded') &&
          all.labelValues('events_handling_duration_seconds_count', 'outcome').has('handled') &&
          all.labelValues('events_retried_total', 'type').has('payment.refunded') &&
          all.labelValues('events_consumed_total', 'type').has('user.registered') &&
          /^graphql_subscriptions_open\{service="gateway"\} 1$/m.test(scrapes.get('gateway') ?? '') &&
          all.labelValues('http_request_duration_seconds_count', 'route').has('/metrics');
        return ready ? all : undefined;
      },
      'the traffic to show in every service’s metrics',
      60_000,
    );
  }, 120_000);

  afterAll(async () => {
    subscription?.unsubscribe();
    await Promise.all(sockets.map(async (socket) => socket.dispose()));
    await supergraph?.close();
  });

  it('every service serves the shared metrics, the subgraphs the event backbone’s', () => {
    const services = [...scrapes.keys()].sort();
    expect(services).toEqual(['gateway', ...[...supergraph.subgraphs.keys()]].sort());
    for (const metric of ['graphql_operations_total', 'graphql_subscriptions_open', 'process_cpu_seconds_total'])
      expect({ metric, services: exported.servicesOf(metric) }).toEqual({ metric, services });
    const subgraphs = [...supergraph.subgraphs.keys()].sort();
    for (const metric of ['outbox_lag_seconds', 'events_dead_letters_open', 'events_handling_duration_seconds_bucket'])
      expect({ metric, services: exported.servicesOf(metric) }).toEqual({ metric, services: subgraphs });
  });

  it('every metric, label and matched value of the dashboard is exported', () => {
    expect(problemsWith(dashboardExpressions(dashboard), exported)).toEqual([]);
  });

  it('every metric, label and matched value of the alert rules is exported', () => {
    expect(problemsWith(alertExpressions(alerts), exported)).toEqual([]);
  });

  it('counts the subscription held on the gateway and the dead letter left in vendor', () => {
    expect(scrapes.get('gateway')).toMatch(/^graphql_subscriptions_open\{service="gateway"\} 1$/m);
    expect(scrapes.get('vendor')).toMatch(/^events_dead_letters_open\{service="vendor"\} [1-9]\d*$/m);
  });

  it('fails when a metric they use disappears, or a label value they match on', () => {
    const expressions = [...dashboardExpressions(dashboard), ...alertExpressions(alerts)];
    for (const family of [
      'graphql_operation_duration_seconds',
      'outbox_lag_seconds',
      'events_dead_lettered_total',
      'events_handling_duration_seconds',
      'graphql_subscriptions_open',
    ]) {
      const problems = problemsWith(expressions, exported.without(family));
      expect({
        family,
        reported: problems.some((problem) => problem.includes(`no service exports ${family}`)),
      }).toEqual({ family, reported: true });
    }
    const misnamed = 'sum by (type) (outbox_lag_seconds) + sum(graphql_operations_total{outcome="failed"})';
    expect(problemsWith([{ where: 'test', expr: misnamed, references: metricReferences(misnamed) }], exported)).toEqual(
      [
        expect.stringContaining('outbox_lag_seconds has no label type'),
        expect.stringContaining('no sample of graphql_operations_total has outcome="failed"'),
      ],
    );
  });
});
