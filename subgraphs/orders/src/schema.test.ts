import { buildSubgraphSchemaOf, printSubgraphSdl } from '@marketplace/kit';
import { isEnumType, isInputObjectType, isObjectType } from 'graphql';
import { ordersSubgraph } from './index';

const OWN_TYPES = [
  'Query',
  'Mutation',
  'Subscription',
  'Cart',
  'CartItem',
  'Product',
  'Order',
  'OrderItem',
  'OrderStatusChange',
  'OrderConnection',
  'OrderEdge',
  'User',
  'Vendor',
];
const ROOTS = ['Query', 'Mutation', 'Subscription'];

it('describes every type, field, argument, input field and enum value of its own', async () => {
  const schema = await buildSubgraphSchemaOf(ordersSubgraph);
  const missing: string[] = [];
  for (const name of OWN_TYPES) {
    const type = schema.getType(name);
    if (!isObjectType(type)) throw new Error(`${name} missing`);
    if (!type.description && !ROOTS.includes(name)) missing.push(name);
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_')) continue;
      if (!field.description) missing.push(`${name}.${field.name}`);
      for (const arg of field.args) if (!arg.description) missing.push(`${name}.${field.name}(${arg.name})`);
    }
  }
  const input = schema.getType('CheckoutInput');
  if (!isInputObjectType(input)) throw new Error('CheckoutInput missing');
  if (!input.description) missing.push('CheckoutInput');
  for (const field of Object.values(input.getFields()))
    if (!field.description) missing.push(`CheckoutInput.${field.name}`);
  const status = schema.getType('OrderStatus');
  if (!isEnumType(status)) throw new Error('OrderStatus missing');
  if (!status.description) missing.push('OrderStatus');
  for (const value of status.getValues()) if (!value.description) missing.push(`OrderStatus.${value.name}`);
  expect(missing).toEqual([]);
});

it('declares the entities and stubs exactly as the subgraphs that share them expect', async () => {
  const sdl = printSubgraphSdl(await buildSubgraphSchemaOf(ordersSubgraph)).replace(/\s+/g, ' ');
  expect(sdl).toContain(
    'type Product @key(fields: "id") @cacheControl(maxAge: 60) { """Stable identifier (UUID).""" id: ID! }',
  );
  expect(sdl).toContain(
    '"""A seller on the marketplace: the storefront profile of one user.""" type Vendor @key(fields: "id") @cacheControl(maxAge: 60) { """Stable identifier (UUID).""" id: ID! }',
  );
  expect(sdl).toContain(
    '"""A person with an account on the marketplace.""" type User @key(fields: "id") @cacheControl(maxAge: 60) { """Stable identifier (UUID).""" id: ID!',
  );
  expect(sdl).toContain(
    '""" An order: the products of a cart at the prices of checkout, paid once and fulfilled with licenses. """ type Order @key(fields: "id") { """Stable identifier (UUID).""" id: ID!',
  );
  expect(sdl).toContain('enum OrderStatus {');
  expect(sdl).toMatch(/type Subscription \{ .*orderUpdated\( """[^"]+""" orderId: ID! \): Order! \}/);
  expect(sdl).toMatch(/checkout\( """[^"]+""" input: CheckoutInput! \): Order!/);
  expect(sdl).toMatch(
    /myOrders\( """[^"]+""" first: Int! = 20 """[^"]+""" after: String """[^"]+""" status: OrderStatus \): OrderConnection!/,
  );
});
