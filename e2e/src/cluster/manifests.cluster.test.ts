/**
 * deploy/kubernetes, rendered by `kubectl kustomize` as `kubectl apply -k` would apply it: every object
 * valid against the Kubernetes schemas (kubernetes-models, offline), and in step with the code and
 * docker-compose.yml: every service deployed, on the port it serves, probed on routes it has; two or
 * more replicas of everything in production, each with an autoscaler and a disruption budget; only the
 * gateway and the router reach subgraphs; the router on the committed supergraph, signing through its
 * coprocessor; the migration Job on the same release as the rollout.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { envReader, subgraphPort } from '@marketplace/kit';
import { readGatewayConfig } from '@marketplace/gateway';
import { subgraphs } from '@marketplace/scripts';
import {
  Container,
  K8sObject,
  LabelSelector,
  REPO_ROOT,
  containersOf,
  environmentOf,
  named,
  ofKind,
  podLabelsOf,
  render,
  selects,
} from './kustomize';
import { standInSecrets } from './secret-stand-ins';

const MODELS: Record<string, new (data: object) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'autoscaling/v2 HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1 Job': Job,
  'networking.k8s.io/v1 Ingress': Ingress,
  'networking.k8s.io/v1 NetworkPolicy': NetworkPolicy,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'v1 ConfigMap': ConfigMap,
  'v1 PersistentVolumeClaim': PersistentVolumeClaim,
  'v1 Service': Service,
};

const read = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8');
const compose = parse(read('docker-compose.yml')) as {
  services: Record<string, { build?: string | { args?: Record<string, string> }; image?: string }>;
};
const processOf = (name: string) => {
  const { build } = compose.services[name];
  return (typeof build === 'object' && build.args?.SERVICE) || name;
};
/**
 * The services compose builds from the repository, but the router's coprocessor: compose runs it as a
 * service of its own that the router shares a network with, Kubernetes as a sidecar in the router's pod.
 */
const nodeServices = Object.keys(compose.services).filter(
  (name) => compose.services[name].build && processOf(name) !== 'router-coprocessor',
);
const OVERLAYS = ['base', 'overlays/dev', 'overlays/production', 'overlays/dev/migrate', 'overlays/production/migrate'];
const rendered = Object.fromEntries(OVERLAYS.map((overlay) => [overlay, render(overlay)]));
const production = rendered['overlays/production'];

/** The port a service's code listens on, given the environment its container starts with. */
function servedPort(service: string, env: Record<string, string>): number {
  if (service === 'gateway') return readGatewayConfig(envReader(env)).port;
  const module = subgraphs.find((candidate) => candidate.name === service);
  if (!module) throw new Error(`${service} is neither the gateway nor a subgraph`);
  return subgraphPort(module, envReader(env));
}

/** Routes registered with `app.get('/path'` in a source file. */
function getRoutes(file: string): string[] {
  return [...read(file).matchAll(/app\.get\(\s*'([^']+)'/g)].map((match) => match[1]);
}

const mainContainer = (objects: K8sObject[], name: string): Container =>
  containersOf(named(objects, 'Deployment', name)).find((container) => container.name === name) as Container;
const httpPort = (container: Container) => container.ports?.find((port) => port.name === 'http')?.containerPort;

describe.each(OVERLAYS)('kubectl kustomize deploy/kubernetes/%s', (overlay) => {
  it('renders objects each valid against its Kubernetes schema', () => {
    const objects = rendered[overlay];
    expect(objects.length).toBeGreaterThan(0);
    const problems = objects.flatMap((object) => {
      const Model = MODELS[`${object.apiVersion} ${object.kind}`];
      if (!Model) return [`${object.apiVersion} ${object.kind} ${object.metadata.name}: no schema here, add its model`];
      try {
        new Model(object).validate();
        return [];
      } catch (error) {
        return [`${object.kind} ${object.metadata.name}: ${(error as Error).message}`];
      }
    });
    expect(problems).toEqual([]);
  });
});

describe.each(['base', 'overlays/dev', 'overlays/production'])('deploy/kubernetes/%s', (overlay) => {
  const objects = rendered[overlay];

  it('deploys every Node service of docker-compose.yml, with a Service in front of its pods', () => {
    expect(nodeServices.sort()).toEqual([...subgraphs.map((module) => module.name), 'gateway'].sort());
    for (const name of nodeServices) {
      const deployment = named(objects, 'Deployment', name);
      const service = named(objects, 'Service', name);
      expect(selects({ matchLabels: service.spec.selector }, podLabelsOf(deployment))).toBe(true);
      expect(mainContainer(objects, name).image).toMatch(new RegExp(`(^|/)marketplace/${name}(:|$)`));
    }
  });

  it('runs each service on the port its code serves, and its Service sends there', () => {
    for (const name of nodeServices) {
      const container = mainContainer(objects, name);
      const port = servedPort(name, environmentOf(container, objects, standInSecrets));
      expect({ name, port: httpPort(container) }).toEqual({ name, port });
      const service = named(objects, 'Service', name);
      expect(service.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
    }
  });

  it('probes subgraphs on /ready (readiness) and /health (liveness), the gateway on /ready and /live', () => {
    const subgraphRoutes = getRoutes('kit/src/server/routes.ts');
    const gatewayRoutes = getRoutes('gateway/src/edge/routes.ts');
    expect(subgraphRoutes).toEqual(expect.arrayContaining(['/ready', '/health']));
    for (const module of subgraphs) {
      const container = mainContainer(objects, module.name);
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(container.startupProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    }
    expect(gatewayRoutes).toEqual(expect.arrayContaining(['/ready', '/live']));
    const gateway = mainContainer(objects, 'gateway');
    expect(gateway.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(gateway.startupProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(gateway.livenessProbe?.httpGet).toEqual({ path: '/live', port: 'http' });
  });

  it('sends the gateway to each subgraph where its Service listens', () => {
    const env = environmentOf(mainContainer(objects, 'gateway'), objects, standInSecrets);
    const config = readGatewayConfig(envReader(env));
    for (const module of subgraphs) {
      const port = httpPort(mainContainer(objects, module.name));
      expect(config.subgraphUrlOverride(module.name)).toBe(`http://${module.name}:${port}/graphql`);
    }
  });

  it('gives every Deployment resource requests and limits, an autoscaler on CPU and a disruption budget', () => {
    for (const deployment of ofKind(objects, 'Deployment')) {
      const { name } = deployment.metadata;
      for (const container of containersOf(deployment)) {
        const { resources } = container as Container & { resources?: { requests?: object; limits?: object } };
        expect({ name: container.name, cpu: resources?.requests, memory: resources?.limits }).toEqual({
          name: container.name,
          cpu: expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
          memory: expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
        });
      }
      const autoscaler = ofKind(objects, 'HorizontalPodAutoscaler').find(
        (hpa) => hpa.spec.scaleTargetRef.kind === 'Deployment' && hpa.spec.scaleTargetRef.name === name,
      );
      expect(autoscaler?.spec.metrics).toEqual([
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ]);
      const budgets = ofKind(objects, 'PodDisruptionBudget').filter((pdb) =>
        selects(pdb.spec.selector, podLabelsOf(deployment)),
      );
      expect({ name, budgets: budgets.length }).toEqual({ name, budgets: 1 });
    }
  });
});

describe('the production overlay', () => {
  it('runs two or more replicas of everything, and the autoscalers never go below two', () => {
    const deployments = ofKind(production, 'Deployment');
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(
      [...nodeServices, 'router'].sort(),
    );
    for (const deployment of deployments) expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    for (const hpa of ofKind(production, 'HorizontalPodAutoscaler')) {
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    }
    for (const pdb of ofKind(production, 'PodDisruptionBudget')) expect(pdb.spec.maxUnavailable).toBe(1);
  });

  it('lets only the gateway and the router (and Prometheus, on the metrics port) reach a subgraph', () => {
    const pods = ofKind(production, 'Deployment').map((deployment) => podLabelsOf(deployment));
    const policies = ofKind(production, 'NetworkPolicy');
    expect(policies.some((policy) => Object.keys(policy.spec.podSelector).length === 0 && !policy.spec.ingress)).toBe(
      true,
    );
    const prometheus = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
    };
    for (const module of subgraphs) {
      const labels = podLabelsOf(named(production, 'Deployment', module.name));
      const rules = policies
        .filter((policy) => selects(policy.spec.podSelector, labels))
        .flatMap((policy) => (policy.spec.ingress ?? []) as { from?: object[]; ports?: object[] }[]);
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        expect(rule.from?.length).toBeGreaterThan(0);
        for (const peer of rule.from as { podSelector?: LabelSelector; namespaceSelector?: LabelSelector }[]) {
          if (peer.namespaceSelector) {
            expect(peer).toEqual(prometheus);
            expect(rule.ports).toEqual([{ port: 'http' }]);
            continue;
          }
          const reached = pods.filter((pod) => selects(peer.podSelector ?? {}, pod));
          expect(reached.map((pod) => pod['app.kubernetes.io/name']).sort()).toEqual(['gateway', 'router']);
        }
      }
    }
  });

  it('serves GraphQL by Apollo Router on the committed supergraph, signing through its loopback coprocessor', () => {
    const router = named(production, 'Deployment', 'router');
    const [coprocessor, routerContainer] = containersOf(router);
    const composeRouter = compose.services.router.image;
    expect(routerContainer.image).toBe(composeRouter);
    const configMap = (name: string) =>
      ofKind(production, 'ConfigMap').find((object) => object.metadata.name.startsWith(`${name}-`)) as K8sObject;
    expect(configMap('router-supergraph').data?.['supergraph.graphql']).toBe(read('schema/supergraph.graphql'));
    expect(read('deploy/kubernetes/overlays/production/router/supergraph.graphql')).toBe(
      read('schema/supergraph.graphql'),
    );
    const config = parse(configMap('router-config').data?.['router.yaml'] ?? '');
    for (const module of subgraphs) {
      const port = httpPort(mainContainer(production, module.name));
      expect(config.override_subgraph_url[module.name]).toBe(`http://${module.name}:${port}/graphql`);
    }
    expect(config.coprocessor.subgraph.all.request).toEqual({
      headers: true,
      body: true,
      uri: true,
      method: true,
      service_name: true,
    });
    expect(config.coprocessor.router).toEqual({ request: { headers: true } });
    // The coprocessor signs whatever reaches it: loopback only, where router.yaml sends subgraph requests.
    const env = environmentOf(coprocessor, production, standInSecrets);
    expect(env.HOST).toBe('127.0.0.1');
    const coprocessorUrl = `http://127.0.0.1:${env.ROUTER_COPROCESSOR_PORT ?? 4098}`;
    expect(config.coprocessor.url).toBe(coprocessorUrl);
    expect(env.HEALTHCHECK_URL).toBe(`${coprocessorUrl}/health`);
    expect(coprocessor.image).toBe(mainContainer(production, 'gateway').image);
    expect(coprocessor.command).toEqual(['node', 'gateway/dist/router-coprocessor/main.js']);
    expect(coprocessor.env?.find((variable) => variable.name === 'SUBGRAPH_SIGNING_SECRET')).toBeDefined();
    // API keys are exchanged where the gateway exchanges them, checked and counted as the gateway does.
    const gatewayEnv = environmentOf(mainContainer(production, 'gateway'), production, standInSecrets);
    for (const name of ['USERS_URL', 'REDIS_URL', 'JWT_PUBLIC_KEY']) expect(env[name]).toBe(gatewayEnv[name]);
    const health = routerContainer.ports?.find((port) => port.name === 'health')?.containerPort;
    expect(config.health_check.listen).toBe(`0.0.0.0:${health}`);
    expect(config.supergraph.listen).toBe(`0.0.0.0:${httpPort(routerContainer)}`);
  });

  it("configures the router as docker compose's router.yaml does, but for its coprocessor and CORS origins", () => {
    const configMap = ofKind(production, 'ConfigMap').find((object) =>
      object.metadata.name.startsWith('router-config-'),
    );
    const withoutDeploymentParts = (config: Record<string, unknown>) => {
      const { coprocessor, cors, ...shared } = config;
      return { shared, cors: cors !== undefined, coprocessor: coprocessor !== undefined };
    };
    expect(withoutDeploymentParts(parse(configMap?.data?.['router.yaml'] ?? ''))).toEqual({
      shared: withoutDeploymentParts(parse(read('router.yaml'))).shared,
      cors: true,
      coprocessor: true,
    });
  });

  it('sends /graphql to the router and every other path (the REST edge PUBLIC_URL names) to the gateway', () => {
    const ingress = named(production, 'Ingress', 'marketplace');
    const env = environmentOf(mainContainer(production, 'gateway'), production, standInSecrets);
    const publicHost = new URL(env.PUBLIC_URL).host;
    const rule = ingress.spec.rules.find((candidate: { host: string }) => candidate.host === publicHost);
    const paths = rule.http.paths as { path: string; pathType: string; backend: { service: { name: string } } }[];
    const backendOf = (path: string) =>
      paths
        .filter((entry) => (entry.pathType === 'Exact' ? entry.path === path : path.startsWith(entry.path)))
        .sort((a, b) => b.path.length - a.path.length)[0]?.backend.service.name;
    expect(backendOf('/graphql')).toBe('router');
    const restEdge = readGatewayConfig(envReader(env)).restEdge.routes;
    expect(restEdge.length).toBeGreaterThan(0);
    for (const { prefix } of restEdge as { prefix: string }[]) expect(backendOf(`${prefix}/x`)).toBe('gateway');
  });

  it('declares quorum queues and runs in production mode without payment simulation', () => {
    const env = environmentOf(mainContainer(production, 'orders'), production, standInSecrets);
    expect(env).toMatchObject({
      EVENTS_QUEUE_TYPE: 'quorum',
      NODE_ENV: 'production',
      PAYMENT_SIMULATION_ENABLED: 'false',
    });
  });
});

describe.each(['dev', 'production'])('the migration Job of overlays/%s', (overlay) => {
  it('migrates every subgraph with the images the rollout runs, which start only on a migrated schema', () => {
    const services = rendered[`overlays/${overlay}`];
    const [job] = ofKind(rendered[`overlays/${overlay}/migrate`], 'Job');
    const containers = containersOf(job);
    expect(containers.map((container) => container.name).sort()).toEqual(subgraphs.map((m) => m.name).sort());
    for (const container of containers) {
      expect(container.image).toBe(mainContainer(services, container.name).image);
      expect(container.env).toContainEqual({ name: 'DATABASE_MIGRATIONS', value: 'only' });
      const service = environmentOf(mainContainer(services, container.name), services, standInSecrets);
      expect(service.DATABASE_MIGRATIONS).toBe('verify');
    }
  });
});
