/**
 * The deployment files as the infra tests read them: docker-compose.yml, router.yaml and
 * rover.yaml parsed, the subgraph packages, and small readers for compose's values.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const root = resolve(__dirname, '../../..');

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; args?: Record<string, string> | string[] };
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  environment?: string[] | Record<string, string | number | boolean | null>;
  profiles?: string[];
  volumes?: (string | { source?: string; target?: string })[];
  network_mode?: string;
  ports?: string[];
}

export interface HeaderRule {
  propagate?: { named?: string; matching?: string };
  insert?: { name?: string };
}

/** What router.yaml asks the coprocessor to be sent at the subgraph request stage. */
export type CoprocessorRequestFields = Partial<Record<'headers' | 'body' | 'uri' | 'method' | 'service_name', boolean>>;

export interface RouterConfig {
  coprocessor?: {
    url?: string;
    router?: { request?: Record<string, boolean>; response?: unknown };
    supergraph?: unknown;
    execution?: unknown;
    subgraph?: { all?: { request?: CoprocessorRequestFields; response?: unknown } };
  };
  override_subgraph_url?: Record<string, string>;
  headers?: { all?: { request?: HeaderRule[] | { operations?: HeaderRule[] } } };
}

export interface RoverConfig {
  federation_version?: string;
  subgraphs?: Record<string, { routing_url?: string; schema?: { file?: string } }>;
}

export function read(file: string): string {
  return readFileSync(join(root, file), 'utf8');
}

/** YAML with compose-style `<<` merge keys resolved. */
export function readYaml<T>(file: string): T {
  return parse(read(file), { merge: true }) as T;
}

/** `KEY: value` maps and `KEY=value` lists alike. */
export function keyValues(
  value: string[] | Record<string, string | number | boolean | null> | undefined,
): Record<string, string> {
  if (!value) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(value.map((item) => [item.split('=')[0], item.slice(item.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, item == null ? '' : String(item)]));
}

export function dependencies(service: ComposeService): Record<string, { condition?: string }> {
  const dependsOn = service.depends_on;
  if (!dependsOn) return {};
  return Array.isArray(dependsOn) ? Object.fromEntries(dependsOn.map((name) => [name, {}])) : dependsOn;
}

export const compose = readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');
export const services = Object.entries(compose.services);
export const router = readYaml<RouterConfig>('router.yaml');
export const rover = readYaml<RoverConfig>('rover.yaml');

/**
 * Subgraph names: every folder under subgraphs/ that is a package, by its package name
 * (`@marketplace/vendor` lives in subgraphs/vendors: tools hide folders named vendor/).
 */
export const subgraphs = readdirSync(join(root, 'subgraphs'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'subgraphs', entry.name, 'package.json')))
  .map((entry) => (JSON.parse(read(`subgraphs/${entry.name}/package.json`)) as { name: string }).name)
  .map((name) => name.replace(/^@marketplace\//, ''))
  .sort();

/** What a compose value is when the variable is not set: `${X:-d}` → d, `${X}` / `${X:-}` → '', a literal → itself. */
export function defaultOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.replace(/\$\{[A-Z0-9_]+(?::?-([^}]*))?\}/g, (_match, fallback?: string) => fallback ?? '');
}

export const environmentOf = (name: string) => keyValues(compose.services[name]?.environment);
