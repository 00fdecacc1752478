import { composeServices } from '@apollo/composition';
import { buildSubgraphSchemaOf, printSubgraphSdl } from '@marketplace/kit';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'graphql';
import { subgraphs } from './subgraphs';

export const REPO_ROOT = resolve(__dirname, '../..');
export const SCHEMA_DIR = join(REPO_ROOT, 'schema');

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

export async function printSubgraphs(): Promise<PrintedSubgraph[]> {
  return Promise.all(
    subgraphs.map(async (module) => ({
      name: module.name,
      url: routingUrl(module.defaultPort),
      sdl: printSubgraphSdl(await buildSubgraphSchemaOf(module)),
    })),
  );
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
  const printed = await printSubgraphs();
  for (const { name, sdl } of printed) writeFileSync(join(SCHEMA_DIR, `${name}.graphql`), sdl);
  const { supergraphSdl, hints } = composeSupergraph(printed);
  writeFileSync(join(SCHEMA_DIR, 'supergraph.graphql'), supergraphSdl);
  for (const hint of hints)
    process.stdout.write(
      `hint ${hint.code}: ${hint.message}${hint.code in EXPLAINED_HINTS ? ` (accepted: ${EXPLAINED_HINTS[hint.code]})` : ''}\n`,
    );
  process.stdout.write(
    `wrote ${printed.map((p) => `schema/${p.name}.graphql`).join(', ')} and schema/supergraph.graphql\n`,
  );
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
