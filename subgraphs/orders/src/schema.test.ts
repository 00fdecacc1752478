import { buildSubgraphSchemaOf, printSubgraphSdl } from '@marketplace/kit';
import { isEnumType, isInputObjectType, isObjectType } from 'graphql';
import { ordersSubgraph } from './index';

const OWN_TYPES = [
  'Query',
  'Mutation',
  'Subscription',
  'Cart',
  'CartItem',
  'AddToCartPayload',
  'RemoveFromCartPayload',
  'ClearCartPayload',
  'CheckoutPayload',
  'CancelOrderPayload',
  'Product',
  'Order',
  'OrderItem',
  'OrderStatusChange',
  'OrderConnection',
  'OrderEdge',
  'User',
  'Vendor',
];
const OWN_INPUTS = ['AddToCartInput', 'RemoveFromCartInput', 'CheckoutInput', 'CancelOrderInput', 'OrderFilter'];
const OWN_ENUMS = ['OrderStatus', 'OrderStatusChangeReason'];
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
  for (const name of OWN_INPUTS) {
    const input = schema.getType(name);
    if (!isInputObjectType(input)) throw new Error(`${name} missing`);
    if (!input.description) missing.push(name);
    for (const field of Object.values(input.getFields())) if (!field.description) missing.push(`${name}.${field.name}`);
  }
  for (const name of OWN_ENUMS) {
    const type = schema.getType(name);
    if (!isEnumType(type)) throw new Error(`${name} missing`);
    if (!type.description) missing.push(name);
    for (const value of type.getValues()) if (!value.description) missing.push(`${name}.${value.name}`);
  }
  expect(missing).toEqual([]);
});

it('ends every root field description with the errors it raises, naming only ErrorCode and ErrorReason values', async () => {
  const schema = await buildSubgraphSchemaOf(ordersSubgraph);
  const codes = schema.getType('ErrorCode');
  const reasons = schema.getType('ErrorReason');
  if (!isEnumType(codes) || !isEnumType(reasons)) throw new Error('ErrorCode or ErrorReason missing');
  const known = new Set([...codes.getValues(), ...reasons.getValues()].map((value) => value.name));
  const code = String.raw`[A-Z_]+(?: \([A-Z_, ]+\))?`;
  const sentence = new RegExp(String.raw`Errors: (none|${code}(?:, ${code})*)\.$`);
  const wrong: string[] = [];
  for (const root of ROOTS) {
    const type = schema.getType(root);
    if (!isObjectType(type)) throw new Error(`${root} missing`);
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_')) continue;
      const errors = sentence.exec(field.description ?? '');
      const names = errors?.[1] === 'none' ? [] : (errors?.[1].match(/[A-Z_]+/g) ?? []);
      if (!errors || names.some((name) => !known.has(name))) wrong.push(`${root}.${field.name}`);
    }
  }
  expect(wrong).toEqual([]);
});

it('declares the entities and stubs exactly as the subgraphs that share them expect', async () => {
  const sdl = printSubgraphSdl(await buildSubgraphSchemaOf(ordersSubgraph)).replace(/\s+/g, ' ');
  expect(sdl).toContain(
    '"""Something vendors sell: an AI agent, a workflow or a tool.""" type Product @key(fields: "id") @cacheControl(maxAge: 60) { """ Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients. """ id: ID! ',
  );
  expect(sdl).toContain(
    '"""A seller on the marketplace: the storefront profile of one user.""" type Vendor @key(fields: "id") @cacheControl(maxAge: 60) { """ Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients. """ id: ID! ',
  );
  expect(sdl).toContain(
    '""" A place in the catalog\'s tree of categories, e.g. Agents › Customer support. """ type Category @key(fields: "id") @cacheControl(maxAge: 60) { """ Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients. """ id: ID! }',
  );
  expect(sdl).toContain(
    '"""A person with an account on the marketplace.""" type User @key(fields: "id") @cacheControl(maxAge: 60) { """ Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients. """ id: ID!',
  );
  expect(sdl).toContain(
    '""" An order: the products of a cart at the prices of checkout, paid once and fulfilled with licenses. """ type Order @key(fields: "id") { """ Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients. """ id: ID!',
  );
  // The viewer's own answers on public entities: never shared between viewers.
  expect(sdl).toMatch(/ viewerInCart: Boolean! @cacheControl\(maxAge: 0\) /);
  expect(sdl).toMatch(/ cart: Cart @cacheControl\(maxAge: 0\) /);
  expect(sdl).toMatch(
    / filter: VendorCouponFilter \): CouponConnection @listSize\([^)]+\) @cacheControl\(maxAge: 0\) /,
  );
  expect(sdl).toContain('enum OrderStatus {');
  expect(sdl).toContain(' reason: OrderStatusChangeReason! ');
  expect(sdl).toMatch(/type Subscription \{ .*orderUpdated\( """[^"]+""" orderId: ID! \): Order! \}/);
  expect(sdl).toMatch(/ order\( """[^"]+""" id: ID! \): Order /);
  expect(sdl).toMatch(/ addToCart\( """[^"]+""" input: AddToCartInput! \): AddToCartPayload /);
  expect(sdl).toMatch(/ removeFromCart\( """[^"]+""" input: RemoveFromCartInput! \): RemoveFromCartPayload /);
  expect(sdl).toMatch(/ clearCart: ClearCartPayload /);
  expect(sdl).toMatch(/ checkout\( """[^"]+""" input: CheckoutInput! \): CheckoutPayload /);
  expect(sdl).toMatch(/ cancelOrder\( """[^"]+""" input: CancelOrderInput! \): CancelOrderPayload /);
  expect(sdl).toMatch(
    / orders\( """[^"]+""" first: Int! = 20 """[^"]+""" after: String """[^"]+""" filter: OrderFilter \): OrderConnection /,
  );
  expect(sdl).not.toMatch(/myOrders|type Query \{[^}]* cart\b/);
});
