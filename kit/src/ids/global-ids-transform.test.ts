import 'reflect-metadata';
import { ExecutionResult, graphql, parse, subscribe } from 'graphql';
import {
  Arg,
  Directive,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { entityStubs } from '../entity-stubs';
import { buildFederatedSchema } from '../federation';
import { globalId, uuidOf } from './global-id';

const ORDER = '0b7e6c1e-4f7a-4c39-9a55-0e1f2a3b4c5d';
const PRODUCT = '1c8f7d2f-5a8b-4d4a-8b66-1f2a3b4c5d6e';
const OTHER = '2d9a8e3a-6b9c-4e5b-9c77-2a3b4c5d6e7f';

/** What the fixture's resolvers saw: raw uuids, or the test fails. */
const seen: unknown[] = [];

const { Product, references: stubReferences } = entityStubs('Product');

@ObjectType('Order', { description: 'An order.' })
@Directive('@key(fields: "id")')
class Order {
  @Field(() => ID, { description: 'Its id.' })
  id: string;

  productIds: string[];
}

@InputType({ description: 'A line filter.' })
class LineFilter {
  @Field(() => [ID], { description: 'Products.' })
  productIds: string[];
}

@InputType({ description: 'Cancel input.' })
class CancelOrderInput {
  @Field(() => ID, { description: 'The order.' })
  orderId: string;

  @Field(() => LineFilter, { nullable: true, description: 'Lines.' })
  lines?: LineFilter;
}

@ObjectType({ description: 'Cancel payload.' })
class CancelOrderPayload {
  @Field(() => Order, { description: 'The order.' })
  order: Order;

  @Field(() => ID, { description: 'A review removed.', nullable: true })
  deletedReviewId: string | null;
}

@Resolver(() => Order)
class OrderResolver {
  @Query(() => Order, { nullable: true, description: 'An order by id.' })
  order(@Arg('id', () => ID, { description: 'Id.' }) id: string): Order {
    seen.push(id);
    return Object.assign(new Order(), { id, productIds: [PRODUCT] });
  }

  @Query(() => String, { description: 'Any id, echoed.' })
  echo(@Arg('ids', () => [ID], { description: 'Ids.' }) ids: string[]): string {
    seen.push(ids);
    return ids.join(',');
  }

  @Mutation(() => CancelOrderPayload, { nullable: true, description: 'Cancels.' })
  cancelOrder(@Arg('input', { description: 'Input.' }) input: CancelOrderInput): CancelOrderPayload {
    seen.push(input);
    return { order: Object.assign(new Order(), { id: input.orderId, productIds: [] }), deletedReviewId: OTHER };
  }

  @Subscription(() => Order, {
    description: 'An order as it changes.',
    subscribe: ({ args }) => {
      seen.push(args.orderId);
      return (async function* () {
        yield { id: args.orderId };
      })();
    },
  })
  orderUpdated(
    @Root() payload: { id: string },
    @Arg('orderId', () => ID, { description: 'The order.' }) orderId: string,
  ): Order {
    seen.push(orderId);
    return Object.assign(new Order(), { id: payload.id, productIds: [] });
  }

  @FieldResolver(() => [Product], { description: 'Its products (stubs owned elsewhere).' })
  products(@Root() order: Order) {
    return order.productIds.map((id) => Product.of(id));
  }
}

const orderReferences = {
  Order: {
    __resolveReference: (reference: { id: string }) => {
      seen.push(reference.id);
      return reference.id === ORDER ? Object.assign(new Order(), { id: ORDER, productIds: [] }) : null;
    },
  },
};

describe('global ids transform', () => {
  let schema: Awaited<ReturnType<typeof buildFederatedSchema>>;
  beforeAll(async () => {
    schema = await buildFederatedSchema({
      resolvers: [OrderResolver],
      references: { ...stubReferences, ...orderReferences },
      globalIds: true,
    });
  });
  beforeEach(() => seen.splice(0));

  const run = (source: string, variableValues?: Record<string, unknown>) =>
    graphql({ schema, source, variableValues, contextValue: {} });
  const fieldsOf = (result: ExecutionResult) => result.errors?.map((error) => error.extensions.fields);

  it('answers typename-qualified ids, stubs of other owners included; resolvers get the uuid', async () => {
    const result = await run('query ($id: ID!) { order(id: $id) { id products { id } } }', {
      id: globalId('Order', ORDER),
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      order: { id: `Order:${ORDER}`, products: [{ id: `Product:${PRODUCT}` }] },
    });
    expect(seen).toEqual([ORDER]);
  });

  it.each([
    ['a bare uuid', ORDER, 'must be a global id'],
    ['garbage', 'nope', 'must be a global id'],
    ['an id of another type', `Product:${ORDER}`, 'must be an id of type Order, not Product'],
  ])('refuses %s for a root lookup id with BAD_USER_INPUT', async (_what, id, message) => {
    const result = await run('query ($id: ID!) { order(id: $id) { id } }', { id });
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result)).toEqual([[{ field: 'id', message: expect.stringContaining(message) }]]);
    expect(seen).toEqual([]);
  });

  it('decodes nested input fields and lists of ids, and encodes payload ids named by type', async () => {
    const result = await run(
      'mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { order { id } deletedReviewId } }',
      { input: { orderId: globalId('Order', ORDER), lines: { productIds: [globalId('Product', PRODUCT)] } } },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      cancelOrder: { order: { id: `Order:${ORDER}` }, deletedReviewId: `Review:${OTHER}` },
    });
    expect(seen).toEqual([expect.objectContaining({ orderId: ORDER, lines: { productIds: [PRODUCT] } })]);
  });

  it('lists every bad id of an input with its path', async () => {
    const result = await run('mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { order { id } } }', {
      input: { orderId: globalId('Product', ORDER), lines: { productIds: [globalId('Product', PRODUCT), 'x'] } },
    });
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result)).toEqual([
      [
        { field: 'input.orderId', message: 'must be an id of type Order, not Product' },
        { field: 'input.lines.productIds.1', message: expect.stringContaining('must be a global id') },
      ],
    ]);
    expect(seen).toEqual([]);
  });

  it('accepts ids of any type where the name does not say', async () => {
    const result = await run('{ echo(ids: ["Order:' + ORDER + '", "Product:' + PRODUCT + '"]) }');
    expect(result.data).toEqual({ echo: `${ORDER},${PRODUCT}` });
    const bad = await run('{ echo(ids: ["' + ORDER + '"]) }');
    expect(fieldsOf(bad)).toEqual([[{ field: 'ids.0', message: expect.stringContaining('must be a global id') }]]);
  });

  it('decodes subscription arguments for subscribe and resolve, and refuses bad ones', async () => {
    const stream = (await subscribe({
      schema,
      document: parse('subscription ($orderId: ID!) { orderUpdated(orderId: $orderId) { id } }'),
      variableValues: { orderId: globalId('Order', ORDER) },
      contextValue: {},
    })) as AsyncGenerator<ExecutionResult>;
    const first = await stream.next();
    expect(first.value).toEqual({ data: { orderUpdated: { id: `Order:${ORDER}` } } });
    expect(seen).toEqual([ORDER, ORDER]);
    await stream.return(undefined);

    const refused = (await subscribe({
      schema,
      document: parse('subscription { orderUpdated(orderId: "Product:' + ORDER + '") { id } }'),
      contextValue: {},
    })) as ExecutionResult;
    expect(refused.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(fieldsOf(refused)).toEqual([[{ field: 'orderId', message: 'must be an id of type Order, not Product' }]]);
  });

  const ENTITIES =
    'query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Order { id } ... on Product { id } } }';

  it('decodes entity representations before __resolveReference; an id of another type matches nothing', async () => {
    const result = await run(ENTITIES, {
      r: [
        { __typename: 'Order', id: globalId('Order', ORDER) },
        { __typename: 'Order', id: globalId('Product', ORDER) },
        { __typename: 'Order', id: ORDER },
        { __typename: 'Product', id: globalId('Product', PRODUCT) },
      ],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      _entities: [
        { __typename: 'Order', id: `Order:${ORDER}` },
        null,
        null,
        { __typename: 'Product', id: `Product:${PRODUCT}` },
      ],
    });
    expect(seen).toEqual([ORDER]);
    expect(uuidOf((result.data as { _entities: { id: string }[] })._entities[3].id)).toBe(PRODUCT);
  });

  it('changes nothing for a schema built without it (what it adds is all there is)', async () => {
    const off = await buildFederatedSchema({
      resolvers: [OrderResolver],
      references: { ...stubReferences, ...orderReferences },
      globalIds: false,
    });
    const result = await graphql({
      schema: off,
      source: '{ order(id: "' + ORDER + '") { id products { id } } }',
      contextValue: {},
    });
    expect(result.data).toEqual({ order: { id: ORDER, products: [{ id: PRODUCT }] } });
  });
});
