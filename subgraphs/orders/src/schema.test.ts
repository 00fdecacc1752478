import { buildSubgraphSchemaOf, printSubgraphSdl } from '@marketplace/kit';
import { isObjectType } from 'graphql';
import { ordersSubgraph } from './index';

it('describes every type, field and argument of its own', async () => {
  const schema = await buildSubgraphSchemaOf(ordersSubgraph);
  const missing: string[] = [];
  for (const name of ['Query', 'Mutation', 'Cart', 'CartItem', 'Product']) {
    const type = schema.getType(name);
    if (!isObjectType(type)) throw new Error(`${name} missing`);
    if (!type.description && !['Query', 'Mutation'].includes(name)) missing.push(name);
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_')) continue;
      if (!field.description) missing.push(`${name}.${field.name}`);
      for (const arg of field.args) if (!arg.description) missing.push(`${name}.${field.name}(${arg.name})`);
    }
  }
  expect(missing).toEqual([]);
  expect(printSubgraphSdl(schema).replace(/\s+/g, ' ')).toContain('type Product @key(fields: "id") { """Stable identifier (UUID).""" id: ID! }');
});
