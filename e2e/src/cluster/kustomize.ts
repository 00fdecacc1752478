import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** What the manifests tests read of a rendered object; the schemas check the rest. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  /** Each kind's spec, read by the tests that know the kind (a ConfigMap has none: its tests read `data`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- typed where the helpers read it
  spec: { template?: PodTemplate } & Record<string, any>;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: { containers: Container[]; initContainers?: Container[] };
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
}

export interface Probe {
  httpGet?: { path: string; port: number | string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export const REPO_ROOT = resolve(__dirname, '../../..');
export const KUBERNETES_DIR = join(REPO_ROOT, 'deploy/kubernetes');

/**
 * `kubectl kustomize <dir>` (kustomize v5 built into kubectl), parsed. Without kubectl the test fails:
 * a skipped manifests test would let a broken overlay through unnoticed.
 */
export function render(directory: string): K8sObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', join(KUBERNETES_DIR, directory)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 2 ** 20,
    });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new Error(
        'kubectl is not installed: the manifests test renders deploy/kubernetes with `kubectl kustomize` ' +
          '(kubectl 1.27 or later; no cluster needed)',
        { cause: error },
      );
    }
    throw new Error(`kubectl kustomize ${directory} failed: ${failure.stderr ?? failure.message}`, { cause: error });
  }
  return parseAllDocuments(output).map((document) => document.toJS() as K8sObject);
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among the rendered objects`);
  return found;
}

/** Every container a pod template runs, sidecars (init containers that keep running) included. */
export function containersOf(workload: K8sObject): Container[] {
  const pod = templateOf(workload).spec;
  return [...(pod.initContainers ?? []), ...pod.containers];
}

export function podLabelsOf(workload: K8sObject): Record<string, string> {
  return templateOf(workload).metadata?.labels ?? {};
}

function templateOf(workload: K8sObject): PodTemplate {
  const template = workload.spec?.template;
  if (!template) throw new Error(`${workload.kind} ${workload.metadata.name} has no pod template`);
  return template;
}

/** Kubernetes' label selector semantics; an empty selector selects everything. */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key]);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
    }
  });
  return byLabels && byExpressions;
}

/** The value a Secret holds under a key, or undefined when it holds none (fine for an optional reference). */
export type SecretValues = (name: string, key: string, optional: boolean) => string | undefined;

/**
 * The environment a container starts with: its ConfigMaps' data (envFrom), then its own `env`, with
 * Secret references resolved by `secrets` (a missing optional key leaves the variable unset).
 */
export function environmentOf(
  container: Container,
  objects: K8sObject[],
  secrets: SecretValues,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, named(objects, 'ConfigMap', source.configMapRef.name).data);
    if (source.secretRef) throw new Error(`${container.name}: envFrom a whole Secret hides which keys it needs`);
  }
  for (const variable of container.env ?? []) {
    const reference = variable.valueFrom?.secretKeyRef;
    if (!reference) {
      env[variable.name] = variable.value ?? '';
      continue;
    }
    const value = secrets(reference.name, reference.key, reference.optional ?? false);
    if (value !== undefined) env[variable.name] = value;
    else if (!reference.optional) throw new Error(`${container.name}: no value for Secret key ${reference.key}`);
  }
  return env;
}

/** Every Secret key the containers of these objects reference. */
export function secretKeysOf(objects: K8sObject[]): Set<string> {
  const keys = new Set<string>();
  for (const workload of objects.filter((object) => object.spec?.template))
    for (const container of containersOf(workload))
      for (const variable of container.env ?? [])
        if (variable.valueFrom?.secretKeyRef) keys.add(variable.valueFrom.secretKeyRef.key);
  return keys;
}
