import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { generate } from '@graphql-codegen/cli';
import { temporaryDirectories } from '@marketplace/kit/testing';
import { REPO_ROOT, SCHEMA_DIR } from '@marketplace/scripts';
import {
  DocumentNode,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  OperationTypeNode,
  parse,
  printSchema,
  validate,
} from 'graphql';
import ts from 'typescript';

/**
 * The README's tour is what a newcomer copies into a client. Every ```graphql block of
 * README.md must be valid against the API schema of the committed supergraph (the
 * production contract, schema/supergraph.graphql; an operation on a development-only root
 * field such as `simulatePayment` against the development variant that `npm start` serves,
 * schema/development/supergraph.graphql), and a client generated from the schema with
 * GraphQL Code Generator's client preset (the setup its documentation recommends) must
 * compile against the tour's operations, with the types a frontend expects: amounts are
 * numbers, currencies an enum, nullable where the contract says so. A field the schema
 * lacks, or an argument of the wrong shape, fails here.
 */

/** Scalars as a TypeScript client sees them; SafeInt is a JSON number (docs/api-conventions.md, 6). */
const SCALARS = { DateTimeISO: 'string', SafeInt: 'number' };

/** The ```graphql blocks of a Markdown page, in order. */
export function graphqlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```graphql\n([\s\S]*?)^```\s*$/gm)].map((match) => match[1]);
}

function operationsOf(document: DocumentNode): OperationDefinitionNode[] {
  return document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
}

/** The API schema clients see (no join__ directives, no federation internals) of a committed supergraph. */
function apiSchemaOf(supergraphFile: string): GraphQLSchema {
  return Supergraph.build(readFileSync(supergraphFile, 'utf8')).apiSchema().toGraphQLJSSchema();
}

/** Root fields (`Mutation.simulatePayment`) of `development` that `production` lacks. */
function developmentOnlyRootFields(production: GraphQLSchema, development: GraphQLSchema): Set<string> {
  const only = new Set<string>();
  for (const operation of [OperationTypeNode.QUERY, OperationTypeNode.MUTATION, OperationTypeNode.SUBSCRIPTION]) {
    const fields = development.getRootType(operation)?.getFields() ?? {};
    const kept = production.getRootType(operation)?.getFields() ?? {};
    for (const name of Object.keys(fields)) if (!(name in kept)) only.add(name);
  }
  return only;
}

function rootFieldsOf(operation: OperationDefinitionNode): string[] {
  return operation.selectionSet.selections.flatMap((selection) =>
    selection.kind === Kind.FIELD ? [selection.name.value] : [],
  );
}

/**
 * Uses of the generated client, type-checked with it: `graphql()` documents and the
 * README's own documents, with `ResultOf`/`VariablesOf` asserted field by field.
 */
const USAGE = `
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { graphql } from './gql';
import {
  CheckoutDocument,
  MyLicensesDocument,
  SecondFactorDocument,
  SignInWithSecondFactorDocument,
  StorefrontDocument,
  TwoFactorMethod,
} from './gql/graphql';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

const UsageCheckout = graphql(\`
  mutation UsageCheckout($key: String!) {
    checkout(input: { idempotencyKey: $key, billing: { name: "Test Buyer", country: "US" } }) {
      order { id status total { amount currency } }
      cart { itemCount }
    }
  }
\`);
type CheckoutResult = NonNullable<ResultOf<typeof UsageCheckout>['checkout']>;
expectType<Equal<VariablesOf<typeof UsageCheckout>, { key: string }>>();
expectType<Equal<NonNullable<CheckoutResult['order']>['total']['amount'], number>>();
expectType<Equal<NonNullable<CheckoutResult['cart']>['itemCount'], number>>();
// Currencies are the CurrencyCode enum, not any string.
type Currency = NonNullable<CheckoutResult['order']>['total']['currency'];
expectType<'USD' extends Currency ? true : false>();
expectType<string extends Currency ? false : true>();
// Mutations answer a nullable payload (refused → null plus an error).
expectType<null extends ResultOf<typeof UsageCheckout>['checkout'] ? true : false>();

const UsageAddToCart = graphql(\`
  mutation UsageAddToCart($input: AddToCartInput!) {
    addToCart(input: $input) { cart { itemCount subtotal { amount currency } } }
  }
\`);
expectType<Equal<VariablesOf<typeof UsageAddToCart>['input'], { productId: string }>>();

const UsageMyOrders = graphql(\`
  query UsageMyOrders($first: Int!) {
    me { orders(first: $first, filter: { status: PAID }) { totalCount edges { node { id number status } } } }
  }
\`);
type Me = ResultOf<typeof UsageMyOrders>['me'];
// Signed out: me is null.
expectType<null extends Me ? true : false>();
expectType<Equal<NonNullable<NonNullable<Me>['orders']>['totalCount'], number>>();

// The README's own operations, as generated documents.
type Storefront = ResultOf<typeof StorefrontDocument>;
expectType<Equal<Storefront['products']['edges'][number]['node']['price']['amount'], number>>();
type Licenses = NonNullable<NonNullable<ResultOf<typeof MyLicensesDocument>['me']>['licenses']>;
expectType<Equal<Licenses['edges'][number]['node']['key'], string | null | undefined>>();
type Challenge = NonNullable<ResultOf<typeof SignInWithSecondFactorDocument>['login']>['twoFactorChallenge'];
expectType<Equal<NonNullable<Challenge>['methods'][number], TwoFactorMethod>>();
expectType<Equal<NonNullable<ResultOf<typeof SecondFactorDocument>['verifyTwoFactor']>['accessToken'], string>>();
expectType<Equal<VariablesOf<typeof CheckoutDocument>, { [key: string]: never }>>();

export const used = [UsageCheckout, UsageAddToCart, UsageMyOrders];
`;

const temporaryDirectory = temporaryDirectories('generated-client-');

describe('a client generated from the schema (GraphQL Code Generator, client preset) and the README tour', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const blocks = graphqlBlocks(readme);
  let production: GraphQLSchema;
  let development: GraphQLSchema;
  beforeAll(() => {
    production = apiSchemaOf(join(SCHEMA_DIR, 'supergraph.graphql'));
    development = apiSchemaOf(join(SCHEMA_DIR, 'development', 'supergraph.graphql'));
  });

  it('finds the tour: several blocks, every operation named once', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const names = blocks.flatMap((block) => operationsOf(parse(block)).map((operation) => operation.name?.value));
    expect(names.filter((name) => name === undefined)).toEqual([]);
    expect(names.length).toBeGreaterThanOrEqual(10);
    expect(new Set(names).size).toBe(names.length);
  });

  it('every README operation is valid against the production contract, or the development variant for development-only fields', () => {
    const developmentOnly = developmentOnlyRootFields(production, development);
    expect([...developmentOnly]).toContain('simulatePayment');
    const invalid = blocks.flatMap((block) =>
      operationsOf(parse(block)).flatMap((operation) => {
        const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation] };
        const schema = rootFieldsOf(operation).some((field) => developmentOnly.has(field)) ? development : production;
        return validate(schema, document).map((error) => `${operation.name?.value}: ${error.message}`);
      }),
    );
    expect(invalid).toEqual([]);
  });

  it('the check is not vacuous: an unknown field or an old argument shape is refused', () => {
    const wrong = [
      `query { me { cart { itemCount unknownField } } }`,
      `mutation { addToCart(productId: "x") { cart { itemCount } } }`,
    ];
    for (const source of wrong) expect(validate(production, parse(source)).length).toBeGreaterThan(0);
  });

  it('generates a typed client from the schema and the tour that type-checks with its uses', async () => {
    const dir = temporaryDirectory();
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'schema.graphql'), printSchema(development));
    writeFileSync(join(dir, 'readme.graphql'), blocks.join('\n'));
    writeFileSync(join(dir, 'usage.ts'), USAGE);
    await generate(
      {
        cwd: dir,
        silent: true,
        schema: join(dir, 'schema.graphql'),
        documents: [join(dir, 'readme.graphql'), join(dir, 'usage.ts')],
        generates: {
          [join(dir, 'gql/')]: {
            preset: 'client',
            presetConfig: { fragmentMasking: false },
            config: { scalars: SCALARS, enumsAsTypes: true, useTypeImports: true },
          },
        },
      },
      true,
    );

    const program = ts.createProgram([join(dir, 'usage.ts')], {
      strict: true,
      noEmit: true,
      noUnusedLocals: false,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      skipLibCheck: true,
      types: [],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) =>
      ts.formatDiagnostic(diagnostic, {
        getCanonicalFileName: (name) => name,
        getCurrentDirectory: () => dir,
        getNewLine: () => '\n',
      }),
    );
    expect(diagnostics).toEqual([]);
    expect(program.getSourceFiles().map((file) => file.fileName)).toEqual(
      expect.arrayContaining([join(dir, 'gql', 'graphql.ts'), join(dir, 'gql', 'gql.ts')]),
    );
  });
});
