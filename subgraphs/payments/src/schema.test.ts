import { buildSubgraphSchemaOf, printSubgraphSdl } from '@marketplace/kit';
import { isEnumType, isObjectType } from 'graphql';
import { paymentsSubgraph } from './index';

it('describes every type, field, argument and enum value of its own', async () => {
  const schema = await buildSubgraphSchemaOf(paymentsSubgraph);
  const missing: string[] = [];
  for (const name of ['Mutation', 'Payment', 'PaymentIntent', 'Order']) {
    const type = schema.getType(name);
    if (!isObjectType(type)) throw new Error(`${name} missing`);
    if (!type.description && name !== 'Mutation') missing.push(name);
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_')) continue;
      if (!field.description) missing.push(`${name}.${field.name}`);
      for (const arg of field.args) if (!arg.description) missing.push(`${name}.${field.name}(${arg.name})`);
    }
  }
  for (const name of ['PaymentStatus', 'PaymentProvider', 'SimulatedOutcome']) {
    const type = schema.getType(name);
    if (!isEnumType(type)) throw new Error(`${name} missing`);
    if (!type.description) missing.push(name);
    for (const value of type.getValues()) if (!value.description) missing.push(`${name}.${value.name}`);
  }
  expect(missing).toEqual([]);
});

it('declares Order as the orders subgraph does (same descriptions) plus payments, and Payment as an entity', async () => {
  const sdl = printSubgraphSdl(await buildSubgraphSchemaOf(paymentsSubgraph)).replace(/\s+/g, ' ');
  // Long descriptions print as blocks; whitespace is normalised, the words are not.
  expect(sdl).toContain(
    '""" An order: the products of a cart at the prices of checkout, paid once and fulfilled with licenses. """ type Order @key(fields: "id") { """Stable identifier (UUID).""" id: ID!',
  );
  expect(sdl).toMatch(
    /type Order @key\(fields: "id"\) \{ """Stable identifier \(UUID\).""" id: ID! """[^"]+""" payments: \[Payment!\]! @listSize\(assumedSize: 3\) \}/,
  );
  expect(sdl).toContain('type Payment @key(fields: "id")');
  expect(sdl).toMatch(/createPaymentIntent\( """[^"]+""" orderId: ID! \): PaymentIntent!/);
  expect(sdl).toMatch(/refundOrder\( """[^"]+""" orderId: ID! """[^"]+""" reason: String! \): Payment!/);
  expect(sdl).toMatch(/simulatePayment\( """[^"]+""" orderId: ID! """[^"]+""" outcome: SimulatedOutcome! \): Payment!/);
});
