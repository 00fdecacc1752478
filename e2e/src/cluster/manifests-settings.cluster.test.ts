/**
 * The settings of deploy/kubernetes against the code that reads them: every variable a service reads
 * (found in its sources, and recorded while its own configuration readers run) is set in its container
 * or documented in docs/configuration.md; every variable a container sets is one its code reads (a typo
 * would otherwise do nothing); each overlay's settings, with the Secret's keys standing in, pass each
 * service's own start-up checks (production: keys, SMTP, Stripe, the seller); and every key of the Secret
 * is documented for whoever creates it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGatewaySigner, envReader, loadTokenKeys, readCommonConfig, subgraphPort } from '@marketplace/kit';
import { readGatewayConfig } from '@marketplace/gateway';
import { subgraphs } from '@marketplace/scripts';
import {
  Container,
  K8sObject,
  REPO_ROOT,
  containersOf,
  environmentOf,
  ofKind,
  render,
  secretKeysOf,
} from './kustomize';
import { SECRET_STAND_INS, requiredStandInSecrets, standInSecrets } from './secret-stand-ins';
import { documentedVariables, recordingEnv, subgraphFolder, variablesReadIn } from './variables-read';

const read = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8');
const documented = documentedVariables(read('docs/configuration.md'));
const OVERLAYS = ['overlays/dev', 'overlays/production'];
const rendered = Object.fromEntries(
  [...OVERLAYS, 'overlays/dev/migrate', 'overlays/production/migrate'].map((overlay) => [overlay, render(overlay)]),
);

/** The process a container of our image runs: the service its image is built for, or the router's coprocessor. */
function processOf(container: Container): string {
  if (container.command?.join(' ') === 'node gateway/dist/router-coprocessor/main.js') return 'router-coprocessor';
  const match = /(?:^|\/)marketplace\/([a-z-]+)(?::|$)/.exec(container.image);
  if (!match) throw new Error(`${container.name}: ${container.image} is not one of the marketplace images`);
  return match[1];
}

/** The sources a process's code lives in; docker/ holds the health check every image runs. */
function sourcesOf(process: string): string[] {
  const own =
    process === 'gateway' || process === 'router-coprocessor' ? 'gateway/src' : subgraphFolder(process) + '/src';
  return ['kit/src', own, 'docker'];
}

/** Runs a service's own configuration readers on `values`, as its start does first; returns what they read. */
function startUpReads(process: string, values: Record<string, string>): Set<string> {
  const { env, read: names } = recordingEnv(values);
  const reader = envReader(env);
  if (process === 'gateway') {
    const config = readGatewayConfig(reader);
    for (const module of subgraphs) config.subgraphUrlOverride(module.name);
    loadTokenKeys(config.common);
    buildGatewaySigner(config.common);
    return names;
  }
  const module = subgraphs.find((candidate) => candidate.name === process);
  if (!module) throw new Error(`${process} is neither the gateway nor a subgraph`);
  const config = readCommonConfig(reader);
  module.readSettings?.(reader);
  subgraphPort(module, reader);
  loadTokenKeys(config);
  buildGatewaySigner(config);
  return names;
}

/** Our containers in these objects: every Deployment's and the Job's, the router (third-party) left out. */
function ourContainers(objects: K8sObject[]): Container[] {
  return [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')]
    .flatMap(containersOf)
    .filter((container) => !container.image.startsWith('ghcr.io/apollographql/'));
}

const staticReads = new Map<string, Set<string>>();
const readsOf = (process: string) => {
  if (!staticReads.has(process)) staticReads.set(process, variablesReadIn(sourcesOf(process)));
  return staticReads.get(process) as Set<string>;
};

/** Development clusters hold only the keys every reference needs; production every key (docs/operations.md). */
const SECRETS = { 'overlays/dev': requiredStandInSecrets, 'overlays/production': standInSecrets };

describe.each(OVERLAYS)('the settings of deploy/kubernetes/%s', (overlay) => {
  const objects = rendered[overlay];
  const secrets = SECRETS[overlay as keyof typeof SECRETS];
  const environment = (container: Container) => environmentOf(container, objects, secrets);
  const services = ofKind(objects, 'Deployment')
    .flatMap(containersOf)
    .filter((container) => !container.image.startsWith('ghcr.io/') && processOf(container) !== 'router-coprocessor');
  /** What a container's process reads: its sources' reads, and what its readers asked for on its settings. */
  const readsOfContainer = (container: Container) => {
    const process = processOf(container);
    const reads = new Set(readsOf(process));
    if (process !== 'router-coprocessor')
      for (const name of startUpReads(process, environment(container))) reads.add(name);
    return reads;
  };

  it("pass each service's own start-up checks, with the Secret's keys standing in", () => {
    expect(services.map(processOf).sort()).toEqual([...subgraphs.map((m) => m.name), 'gateway'].sort());
    for (const container of services)
      expect(() => startUpReads(processOf(container), environment(container))).not.toThrow();
  });

  it('set every variable a service reads, or leave it to its documented default', () => {
    const unset = services.flatMap((container) => {
      const env = environment(container);
      return [...readsOfContainer(container)]
        .filter((name) => !(name in env) && !documented.has(name))
        .map(
          (name) =>
            `${processOf(container)} reads ${name}: set it in deploy/kubernetes or document it in docs/configuration.md`,
        );
    });
    expect(unset).toEqual([]);
  });

  it("set only variables the container's code reads", () => {
    const everyRead = new Set(services.flatMap((container) => [...readsOfContainer(container)]));
    const migrations = ourContainers(rendered[`${overlay}/migrate`]);
    const unread = [...ourContainers(objects), ...migrations].flatMap((container) => {
      // The Job's containers only migrate: what their sources read, without running the readers of a start
      // they never reach (on the Job's few settings those would generate development keys).
      const own = migrations.includes(container) ? readsOf(processOf(container)) : readsOfContainer(container);
      // A shared ConfigMap serves every service: each of its keys must be read by one of them.
      const inline = (container.env ?? []).map((variable) => variable.name).filter((name) => !own.has(name));
      const shared = Object.keys(environment(container)).filter((name) => !own.has(name) && !everyRead.has(name));
      return [...new Set([...inline, ...shared])].map(
        (name) => `${container.name} (${processOf(container)}) sets ${name}`,
      );
    });
    expect(unread).toEqual([]);
  });
});

describe('the Secret marketplace-secrets', () => {
  const referenced = new Set(Object.values(rendered).flatMap((objects) => [...secretKeysOf(objects)]));

  it('holds what the manifests reference, and nothing more', () => {
    expect([...referenced].sort()).toEqual(Object.keys(SECRET_STAND_INS).sort());
  });

  it('has each of its keys documented in docs/operations.md#kubernetes', () => {
    const operations = read('docs/operations.md');
    const start = operations.indexOf('\n## Kubernetes');
    expect(start).toBeGreaterThan(-1);
    const end = operations.indexOf('\n## ', start + 1);
    const section = documentedVariables(operations.slice(start, end === -1 ? undefined : end));
    expect([...referenced].filter((key) => !section.has(key))).toEqual([]);
  });
});
