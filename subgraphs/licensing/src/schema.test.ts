import { buildSubgraphSchemaOf, printSubgraphSdl } from '@marketplace/kit';
import { isEnumType, isInputObjectType, isObjectType } from 'graphql';
import { licensingSubgraph } from './index';

const OWN_TYPES = [
  'Query',
  'Mutation',
  'License',
  'Activation',
  'LicenseValidation',
  'DownloadLink',
  'LicensePublicKey',
  'LicenseConnection',
  'LicenseEdge',
  'Order',
  'User',
  'Product',
  'ActivateLicensePayload',
  'DeactivateLicensePayload',
  'CreateDownloadLinkPayload',
];
const OWN_INPUTS = ['ActivateLicenseInput', 'DeactivateLicenseInput', 'CreateDownloadLinkInput'];

it('describes every type, field, argument and enum value of its own', async () => {
  const schema = await buildSubgraphSchemaOf(licensingSubgraph);
  const missing: string[] = [];
  for (const name of OWN_TYPES) {
    const type = schema.getType(name);
    if (!isObjectType(type)) throw new Error(`${name} missing`);
    if (!type.description && name !== 'Query' && name !== 'Mutation') missing.push(name);
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_')) continue;
      if (!field.description) missing.push(`${name}.${field.name}`);
      for (const arg of field.args) if (!arg.description) missing.push(`${name}.${field.name}(${arg.name})`);
    }
  }
  for (const name of OWN_INPUTS) {
    const type = schema.getType(name);
    if (!isInputObjectType(type)) throw new Error(`${name} missing`);
    if (!type.description) missing.push(name);
    for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${name}.${field.name}`);
  }
  for (const name of ['LicenseStatus', 'LicenseValidationCode']) {
    const type = schema.getType(name);
    if (!isEnumType(type)) throw new Error(`${name} missing`);
    if (!type.description) missing.push(name);
    for (const value of type.getValues()) if (!value.description) missing.push(`${name}.${value.name}`);
  }
  expect(missing).toEqual([]);
});

it('ends every root field description with its Errors sentence', async () => {
  const schema = await buildSubgraphSchemaOf(licensingSubgraph);
  const fields = [schema.getQueryType(), schema.getMutationType()].flatMap((type) =>
    Object.values(type!.getFields()).filter((field) => !field.name.startsWith('_')),
  );
  expect(fields.map((field) => field.name).sort()).toEqual([
    'activateLicense',
    'createDownloadLink',
    'deactivateLicense',
    'licensePublicKey',
    'validateLicense',
  ]);
  for (const field of fields)
    expect(`${field.name}: ${field.description}`).toMatch(
      /Errors: (none|[A-Z_]+( \([A-Z_, ]+\))?(, [A-Z_]+( \([A-Z_, ]+\))?)*)\.$/,
    );
});

/** Every entity's `id` as every subgraph describes it (global ids on), printed as a block string. */
const GLOBAL_ID = '""" Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients. """ id: ID!';

it('declares the shared entities exactly as their owners do, and License as an entity', async () => {
  const sdl = printSubgraphSdl(await buildSubgraphSchemaOf(licensingSubgraph)).replace(/\s+/g, ' ');
  expect(sdl).toContain(
    `""" An order: the products of a cart at the prices of checkout, paid once and fulfilled with licenses. """ type Order @key(fields: "id") { ${GLOBAL_ID}`,
  );
  expect(sdl).toMatch(
    /type Order @key\(fields: "id"\) \{ """ Global id \(`<Type>:<uuid>`\), unique across the supergraph; opaque to clients. """ id: ID! """[^"]+""" licenses: \[License!\] @listSize\(assumedSize: 10\) \}/,
  );
  expect(sdl).toContain(
    `"""A person with an account on the marketplace.""" type User @key(fields: "id") @cacheControl(maxAge: 60) { ${GLOBAL_ID}`,
  );
  expect(sdl).toMatch(
    /licenses\( """[^"]+""" first: Int! = 20 """[^"]+""" after: String \): LicenseConnection @listSize\([^)]*\) \}/,
  );
  expect(sdl).toContain(
    `"""Something vendors sell: an AI agent, a workflow or a tool.""" type Product @key(fields: "id") @cacheControl(maxAge: 60) { ${GLOBAL_ID}`,
  );
  expect(sdl).toContain(`type License @key(fields: "id") { ${GLOBAL_ID}`);
  expect(sdl).toMatch(/viewerLicense: License @cacheControl\(maxAge: 0\)/);
  expect(sdl).toMatch(
    /validateLicense\( """[^"]+""" licenseKey: String! """[^"]+""" fingerprint: String! \): LicenseValidation!/,
  );
  expect(sdl).toMatch(/activateLicense\( """[^"]+""" input: ActivateLicenseInput! \): ActivateLicensePayload\s/);
  expect(sdl).toMatch(/deactivateLicense\( """[^"]+""" input: DeactivateLicenseInput! \): DeactivateLicensePayload\s/);
  expect(sdl).toMatch(
    /createDownloadLink\( """[^"]+""" input: CreateDownloadLinkInput! \): CreateDownloadLinkPayload\s/,
  );
  expect(sdl).not.toContain('myLicenses');
  expect(sdl).toContain('licensePublicKey: LicensePublicKey!');
});
