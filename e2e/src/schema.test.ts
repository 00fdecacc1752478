import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseGraphQL } from 'graphql';
import { parse } from 'yaml';
import { REPO_ROOT, SCHEMA_DIR, composeSupergraph, printSubgraphs, unexplainedHints } from '@marketplace/scripts';

/** The committed SDL is the contract: it must be exactly what the code prints and composes. */
describe('schema pipeline', () => {
  let printed: Awaited<ReturnType<typeof printSubgraphs>>;
  beforeAll(async () => {
    printed = await printSubgraphs();
  });

  it('each committed subgraph SDL matches what the code prints (run `npm run schema` after changing a schema)', () => {
    for (const { name, sdl } of printed) {
      expect(readFileSync(join(SCHEMA_DIR, `${name}.graphql`), 'utf8')).toBe(sdl);
    }
  });

  it('composes without errors or unexplained hints, into the committed supergraph', () => {
    const { supergraphSdl, hints } = composeSupergraph(printed);
    expect(unexplainedHints(hints)).toEqual([]);
    expect(readFileSync(join(SCHEMA_DIR, 'supergraph.graphql'), 'utf8')).toBe(supergraphSdl);
  });

  it('rover.yaml lists every subgraph with the same routing URL and schema file', () => {
    const rover = parse(readFileSync(join(REPO_ROOT, 'rover.yaml'), 'utf8')) as {
      subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
    };
    expect(Object.keys(rover.subgraphs).sort()).toEqual(printed.map((p) => p.name).sort());
    for (const { name, url } of printed) {
      expect(rover.subgraphs[name].routing_url).toBe(url);
      expect(rover.subgraphs[name].schema.file.replace(/^\.\//, '')).toBe(`schema/${name}.graphql`);
    }
  });

  it('documents every type, field and argument', () => {
    const undocumented: string[] = [];
    for (const { name, sdl } of printed) {
      for (const definition of parseGraphQL(sdl).definitions) {
        if (!('name' in definition) || !definition.name) continue;
        const typeName = `${name}:${definition.name.value}`;
        const isRoot = ['Query', 'Mutation', 'Subscription'].includes(definition.name.value);
        if (!isRoot && !('description' in definition && definition.description)) undocumented.push(typeName);
        const members =
          ('fields' in definition && definition.fields) || ('values' in definition && definition.values) || [];
        for (const field of members) {
          if (!field.description) undocumented.push(`${typeName}.${field.name.value}`);
          for (const argument of ('arguments' in field && field.arguments) || []) {
            if (!argument.description) undocumented.push(`${typeName}.${field.name.value}(${argument.name.value})`);
          }
        }
      }
    }
    expect(undocumented).toEqual([]);
  });
});
