import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './kustomize';

/** How the code reads a variable: the kit's EnvReader, its PEM and secret helpers, or process.env. */
const READS = [
  /\benv\.(?:string|optionalString|int|port|url|bool|oneOf|list)\(\s*'([A-Z][A-Z0-9_]*)'/g,
  /\(\s*env\s*,\s*'([A-Z][A-Z0-9_]*)'/g,
  /process\.env\.([A-Z][A-Z0-9_]*)/g,
  /process\.env\[\s*'([A-Z][A-Z0-9_]*)'\s*\]/g,
];

function sourcesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sourcesUnder(path);
    // Test helpers (testing.ts, testing-consumer-process.ts) read what tests hand them, never a deployment.
    const isSource = /\.(ts|js)$/.test(entry.name) && !/\.test\.ts$|testing|\.d\.ts$/.test(entry.name);
    return isSource ? [path] : [];
  });
}

/**
 * The variables the sources under these folders (relative to the repository) read by name; names
 * built at run time (`<NAME>_PORT`, `<NAME>_URL`) are recorded by running the readers (`recordingEnv`).
 */
export function variablesReadIn(folders: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of folders.flatMap((folder) => sourcesUnder(join(REPO_ROOT, folder)))) {
    const source = readFileSync(file, 'utf8');
    for (const pattern of READS) for (const match of source.matchAll(pattern)) names.add(match[1]);
  }
  return names;
}

/** The folder of a subgraph, by its package name (subgraphs/vendors holds `vendor`). */
export function subgraphFolder(name: string): string {
  const folder = readdirSync(join(REPO_ROOT, 'subgraphs')).find((candidate) => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'subgraphs', candidate, 'package.json'), 'utf8')) as {
      name?: string;
    };
    return manifest.name === `@marketplace/${name}`;
  });
  if (!folder) throw new Error(`no subgraphs/* package is @marketplace/${name}`);
  return `subgraphs/${folder}`;
}

/** An environment that notes every variable read from it. */
export function recordingEnv(values: Record<string, string>): { env: Record<string, string>; read: Set<string> } {
  const read = new Set<string>();
  const env = new Proxy(values, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return typeof name === 'string' ? target[name] : undefined;
    },
  });
  return { env, read };
}

/** Every `NAME` in backticks in a Markdown file (a table cell may hold several). */
export function documentedVariables(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/`([A-Z][A-Z0-9_]*[A-Z0-9])`/g)].map((match) => match[1]));
}
