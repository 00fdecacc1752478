import { SchemaVariant, buildSubgraphSchemaOf, envReader, printSubgraphSdl, schemaVariantOf } from '@marketplace/kit';
import { temporaryDirectories } from '@marketplace/kit/testing';
import { GraphQLSchema, isEnumType, isInputObjectType, isObjectType } from 'graphql';
import { readPaymentsConfig } from './config';
import { paymentsSubgraph } from './index';

const dataDir = temporaryDirectories('payments-schema-');
const schemaOf = (variant: SchemaVariant) => buildSubgraphSchemaOf(paymentsSubgraph, undefined, variant);
const flat = async (variant: SchemaVariant) => printSubgraphSdl(await schemaOf(variant)).replace(/\s+/g, ' ');

function undocumented(schema: GraphQLSchema, objects: string[], enums: string[]): string[] {
  const missing: string[] = [];
  for (const name of objects) {
    const type = schema.getType(name);
    if (!isObjectType(type) && !isInputObjectType(type)) throw new Error(`${name} missing`);
    if (!type.description && name !== 'Mutation') missing.push(name);
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_')) continue;
      if (!field.description) missing.push(`${name}.${field.name}`);
      for (const arg of 'args' in field ? field.args : [])
        if (!arg.description) missing.push(`${name}.${field.name}(${arg.name})`);
    }
  }
  for (const name of enums) {
    const type = schema.getType(name);
    if (!isEnumType(type)) throw new Error(`${name} missing`);
    if (!type.description) missing.push(name);
    for (const value of type.getValues()) if (!value.description) missing.push(`${name}.${value.name}`);
  }
  return missing;
}

const PRODUCTION_OBJECTS = [
  'Mutation',
  'Payment',
  'Order',
  'CreatePaymentIntentInput',
  'CreatePaymentIntentPayload',
  'RefundOrderInput',
  'RefundOrderPayload',
];

it('describes every type, field, argument and enum value of its own, in both variants', async () => {
  expect(undocumented(await schemaOf('production'), PRODUCTION_OBJECTS, ['PaymentStatus', 'PaymentProvider'])).toEqual(
    [],
  );
  expect(
    undocumented(
      await schemaOf('development'),
      [...PRODUCTION_OBJECTS, 'SimulatePaymentInput', 'SimulatePaymentPayload'],
      ['PaymentStatus', 'PaymentProvider', 'SimulatedOutcome'],
    ),
  ).toEqual([]);
});

it('declares Order as the orders subgraph does (same descriptions) plus nullable payments, and Payment as an entity', async () => {
  const sdl = await flat('production');
  // Long descriptions print as blocks; whitespace is normalised, the words are not.
  expect(sdl).toContain(
    '""" An order: the products of a cart at the prices of checkout, paid once and fulfilled with licenses. """ type Order @key(fields: "id") { """ Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients. """ id: ID!',
  );
  expect(sdl).toMatch(
    /type Order @key\(fields: "id"\) \{ """ Global id \(`<Type>:<uuid>`\), unique across the supergraph; opaque to clients. """ id: ID! """[^"]+""" payments: \[Payment!\] @listSize\(assumedSize: 3\) \}/,
  );
  expect(sdl).toContain('type Payment @key(fields: "id")');
});

it('takes one input and returns a nullable payload per mutation, each description ending with its errors', async () => {
  const sdl = await flat('development');
  expect(sdl).toMatch(
    /createPaymentIntent\( """[^"]+""" input: CreatePaymentIntentInput! \): CreatePaymentIntentPayload """/,
  );
  expect(sdl).toMatch(/refundOrder\( """[^"]+""" input: RefundOrderInput! \): RefundOrderPayload """/);
  expect(sdl).toMatch(/simulatePayment\( """[^"]+""" input: SimulatePaymentInput! \): SimulatePaymentPayload \}/);
  expect(sdl).toMatch(
    /type CreatePaymentIntentPayload \{ [^}]*payment: Payment! [^}]*clientSecret: String! [^}]*order: Order! \}/,
  );
  expect(sdl).toMatch(/type RefundOrderPayload \{ [^}]*payment: Payment! [^}]*order: Order! \}/);
  expect(sdl).toMatch(/type SimulatePaymentPayload \{ [^}]*payment: Payment! [^}]*order: Order! \}/);
  expect(sdl).toMatch(/input RefundOrderInput \{ [^}]*orderId: ID! [^}]*reason: String! \}/);
  expect(sdl).toMatch(/input SimulatePaymentInput \{ [^}]*orderId: ID! [^}]*outcome: SimulatedOutcome! \}/);
  expect(sdl).not.toMatch(/type PaymentIntent\b/);
  const mutation = (await schemaOf('development')).getMutationType()!;
  expect(
    Object.fromEntries(
      Object.values(mutation.getFields()).map((f) => [f.name, f.description?.match(/Errors: .*$/)?.[0]]),
    ),
  ).toEqual({
    createPaymentIntent:
      'Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (ALREADY_PAID, ORDER_CANCELLED).',
    refundOrder:
      'Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (ALREADY_REFUNDED, LINE_ALREADY_REFUNDED, NOT_PAID, PAYMENT_DISPUTED).',
    simulatePayment: 'Errors: UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND, CONFLICT (ALREADY_PAID).',
  });
});

describe('rule 9: the development-only surface', () => {
  it('the production schema has no simulatePayment, SimulatedOutcome, its input or payload, nor PaymentProvider.LOCAL', async () => {
    const schema = await schemaOf('production');
    expect(schema.getMutationType()?.getFields().simulatePayment).toBeUndefined();
    for (const name of ['SimulatedOutcome', 'SimulatePaymentInput', 'SimulatePaymentPayload'])
      expect({ name, type: schema.getType(name) }).toEqual({ name, type: undefined });
    const provider = schema.getType('PaymentProvider');
    expect(isEnumType(provider) && provider.getValues().map((value) => value.name)).toEqual(['STRIPE']);
    expect(await flat('production')).not.toMatch(/[Ss]imulat|\bLOCAL\b/);
  });

  it('the development schema has all of them', async () => {
    const schema = await schemaOf('development');
    expect(schema.getMutationType()?.getFields().simulatePayment).toBeDefined();
    const outcome = schema.getType('SimulatedOutcome');
    expect(isEnumType(outcome) && outcome.getValues().map((value) => value.name)).toEqual(['SUCCEEDED', 'FAILED']);
    const provider = schema.getType('PaymentProvider');
    expect(isEnumType(provider) && provider.getValues().map((value) => value.name)).toEqual(['STRIPE', 'LOCAL']);
  });

  it.each([
    [{}, 'production'],
    [{ NODE_ENV: 'development' }, 'production'],
    [{ NODE_ENV: 'development', PAYMENT_SIMULATION_ENABLED: 'false' }, 'production'],
    [{ NODE_ENV: 'development', PAYMENT_SIMULATION_ENABLED: 'true' }, 'development'],
    [{ NODE_ENV: 'production', STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_x' }, 'production'],
  ] as const)('settings %j serve the %s variant', (env, variant) => {
    const settings = readPaymentsConfig(envReader({ DATA_DIR: dataDir(), ...env }));
    expect(schemaVariantOf(paymentsSubgraph, settings)).toBe(variant);
  });
});
