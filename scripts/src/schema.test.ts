import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { envReader } from '@marketplace/kit';
import { temporaryDirectories } from '@marketplace/kit/testing';
import { buildSchema, isEnumType } from 'graphql';
import {
  DEVELOPMENT_SCHEMA_DIR,
  REPO_ROOT,
  SchemaFile,
  schemaFiles,
  supergraphPath,
  supergraphVariantOf,
  unexplainedHints,
} from './schema';
import { subgraphs } from './subgraphs';

/** Both variants of the committed SDL (docs/api-conventions.md rule 9) are exactly what the code prints and composes. */
describe('npm run schema, both variants', () => {
  let files: SchemaFile[];
  let hints: { code: string; message: string }[];
  beforeAll(async () => {
    ({ files, hints } = await schemaFiles());
  });

  it('every file it writes is committed as printed (run `npm run schema` after changing a schema)', () => {
    for (const { path, content } of files)
      expect({ path, content: readFileSync(join(REPO_ROOT, path), 'utf8') }).toEqual({ path, content });
    expect(files.map((file) => file.path)).toEqual(
      expect.arrayContaining([
        'schema/supergraph.graphql',
        'schema/payments.graphql',
        'schema/development/supergraph.graphql',
        'schema/development/payments.graphql',
        'deploy/kubernetes/overlays/production/router/supergraph.graphql',
      ]),
    );
  });

  it('schema/development/ holds only the subgraphs whose development SDL differs, and its supergraph', () => {
    const expected = files.filter((file) => file.path.startsWith('schema/development/')).map((file) => file.path);
    expect(
      readdirSync(DEVELOPMENT_SCHEMA_DIR)
        .map((name) => `schema/development/${name}`)
        .sort(),
    ).toEqual(expected.sort());
  });

  it('both variants compose (schemaFiles throws otherwise) without unexplained hints', () => {
    expect(unexplainedHints(hints)).toEqual([]);
  });

  const apiOf = (variant: 'production' | 'development') =>
    buildSchema(readFileSync(supergraphPath(variant), 'utf8'), { assumeValidSDL: true });

  it('the production supergraph has no simulatePayment, SimulatedOutcome or PaymentProvider.LOCAL', () => {
    const schema = apiOf('production');
    expect(schema.getMutationType()?.getFields().simulatePayment).toBeUndefined();
    expect(schema.getType('SimulatedOutcome')).toBeUndefined();
    expect(schema.getType('SimulatePaymentInput')).toBeUndefined();
    const provider = schema.getType('PaymentProvider');
    expect(isEnumType(provider) && provider.getValues().map((value) => value.name)).toEqual(['STRIPE']);
  });

  it('the development supergraph has them all', () => {
    const schema = apiOf('development');
    expect(schema.getMutationType()?.getFields().simulatePayment).toBeDefined();
    expect(schema.getType('SimulatedOutcome')).toBeDefined();
    const provider = schema.getType('PaymentProvider');
    expect(isEnumType(provider) && provider.getValues().map((value) => value.name)).toEqual(['STRIPE', 'LOCAL']);
  });
});

describe('supergraphVariantOf: which supergraph a run of the subgraphs needs', () => {
  const dataDir = temporaryDirectories('scripts-schema-');
  it.each([
    [{}, 'production'],
    [{ NODE_ENV: 'development' }, 'production'],
    [{ NODE_ENV: 'development', PAYMENT_SIMULATION_ENABLED: 'true' }, 'development'],
  ] as const)('%j → %s', (env, variant) => {
    expect(supergraphVariantOf(subgraphs, envReader({ DATA_DIR: dataDir(), ...env }))).toBe(variant);
    expect(supergraphPath(variant)).toBe(
      join(REPO_ROOT, 'schema', ...(variant === 'development' ? ['development'] : []), 'supergraph.graphql'),
    );
  });
});
