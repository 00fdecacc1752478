import { composeServices } from '@apollo/composition';
import {
  EnvReader,
  SchemaVariant,
  SubgraphModule,
  buildSubgraphSchemaOf,
  printSubgraphSdl,
  schemaVariantOf,
} from '@marketplace/kit';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'graphql';
import { subgraphs } from './subgraphs';

export const REPO_ROOT = resolve(__dirname, '../..');
export const SCHEMA_DIR = join(REPO_ROOT, 'schema');
/** The development variant (docs/api-conventions.md rule 9): the subgraphs whose SDL differs, and its supergraph. */
export const DEVELOPMENT_SCHEMA_DIR = join(SCHEMA_DIR, 'development');
export const SCHEMA_VARIANTS: readonly SchemaVariant[] = ['production', 'development'];

/**
 * The production supergraph Apollo Router serves in the Kubernetes production overlay: kustomize reads no
 * file outside the overlay, so `npm run schema` writes a copy there (docs/operations.md#kubernetes).
 */
export const KUBERNETES_ROUTER_SUPERGRAPH = 'deploy/kubernetes/overlays/production/router/supergraph.graphql';

/** Where the composed supergraph of a variant is committed: schema/supergraph.graphql is the production contract. */
export function supergraphPath(variant: SchemaVariant): string {
  return join(variant === 'production' ? SCHEMA_DIR : DEVELOPMENT_SCHEMA_DIR, 'supergraph.graphql');
}

/**
 * The variant a run of `modules` with `env` serves: development as soon as one of them serves
 * its development surface (payments with PAYMENT_SIMULATION_ENABLED=true), so the gateway's
 * supergraph has every field its subgraphs answer.
 */
export function supergraphVariantOf(modules: SubgraphModule[], env: EnvReader): SchemaVariant {
  const development = modules.some((module) => schemaVariantOf(module, module.readSettings?.(env)) === 'development');
  return development ? 'development' : 'production';
}

/** Composition hints we accept, each with the reason; any other hint fails `npm run schema` and its test. */
export const EXPLAINED_HINTS: Record<string, string> = {
  UNUSED_ENUM_TYPE:
    'ErrorCode and ErrorReason document extensions.code and extensions.reason (docs/api-conventions.md §3); errors are not data, so no field returns them',
};

export interface PrintedSubgraph {
  name: string;
  url: string;
  sdl: string;
}

/** Where each subgraph listens in a local run; compose and the gateway override per environment. */
export function routingUrl(defaultPort: number): string {
  return `http://localhost:${defaultPort}/graphql`;
}

export async function printSubgraphs(variant: SchemaVariant = 'production'): Promise<PrintedSubgraph[]> {
  return Promise.all(
    subgraphs.map(async (module) => ({
      name: module.name,
      url: routingUrl(module.defaultPort),
      sdl: printSubgraphSdl(await buildSubgraphSchemaOf(module, undefined, variant)),
    })),
  );
}

/** One file `npm run schema` writes: its path under the repository root and its content. */
export interface SchemaFile {
  path: string;
  content: string;
}

/**
 * Every file `npm run schema` writes, both variants: schema/<name>.graphql and
 * schema/supergraph.graphql (production, and its copy for the Kubernetes router), schema/development/<name>.graphql for each subgraph
 * whose development SDL differs and schema/development/supergraph.graphql. Throws when a
 * variant does not compose; `hints` are the composition hints of both.
 */
export async function schemaFiles(): Promise<{ files: SchemaFile[]; hints: { code: string; message: string }[] }> {
  const production = await printSubgraphs('production');
  const development = await printSubgraphs('development');
  const composedProduction = composeSupergraph(production);
  const composedDevelopment = composeSupergraph(development);
  const relative = (path: string) => path.slice(REPO_ROOT.length + 1);
  const files: SchemaFile[] = [
    ...production.map(({ name, sdl }) => ({ path: `schema/${name}.graphql`, content: sdl })),
    { path: relative(supergraphPath('production')), content: composedProduction.supergraphSdl },
    { path: KUBERNETES_ROUTER_SUPERGRAPH, content: composedProduction.supergraphSdl },
    ...development
      .filter(({ name, sdl }) => production.find((p) => p.name === name)?.sdl !== sdl)
      .map(({ name, sdl }) => ({ path: `schema/development/${name}.graphql`, content: sdl })),
    { path: relative(supergraphPath('development')), content: composedDevelopment.supergraphSdl },
  ];
  const hints = [...composedProduction.hints, ...composedDevelopment.hints];
  return { files, hints: hints.filter((hint, i) => hints.findIndex((h) => h.message === hint.message) === i) };
}

export function composeSupergraph(printed: PrintedSubgraph[]): {
  supergraphSdl: string;
  hints: { code: string; message: string }[];
} {
  const result = composeServices(printed.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`);
  }
  const hints = result.hints.map((hint) => ({ code: hint.definition.code, message: hint.message }));
  return { supergraphSdl: `${result.supergraphSdl.trim()}\n`, hints };
}

export function unexplainedHints(hints: { code: string; message: string }[]) {
  return hints.filter((hint) => !(hint.code in EXPLAINED_HINTS));
}

async function main(): Promise<void> {
  const { files, hints } = await schemaFiles();
  // A subgraph whose development SDL no longer differs leaves no stale copy behind.
  if (existsSync(DEVELOPMENT_SCHEMA_DIR))
    for (const name of readdirSync(DEVELOPMENT_SCHEMA_DIR))
      if (!files.some((file) => file.path === `schema/development/${name}`)) rmSync(join(DEVELOPMENT_SCHEMA_DIR, name));
  for (const { path, content } of files) {
    mkdirSync(dirname(join(REPO_ROOT, path)), { recursive: true });
    writeFileSync(join(REPO_ROOT, path), content);
  }
  for (const hint of hints)
    process.stdout.write(
      `hint ${hint.code}: ${hint.message}${hint.code in EXPLAINED_HINTS ? ` (accepted: ${EXPLAINED_HINTS[hint.code]})` : ''}\n`,
    );
  process.stdout.write(`wrote ${files.map((file) => file.path).join(', ')}\n`);
  if (unexplainedHints(hints).length > 0) {
    process.stderr.write(
      'composition produced hints that are not explained in scripts/src/schema.ts EXPLAINED_HINTS\n',
    );
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
