import 'reflect-metadata';
import { graphql, print } from 'graphql';
import { Arg, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { ENTITY_CACHE_HINTS, ENTITY_ID_DESCRIPTION, EntityDescriptions } from './contracts/entities';
import { entityStub, entityStubs, stubReferences } from './entity-stubs';
import { PUBLIC_DATA_MAX_AGE_SECONDS } from './cache-hints';
import { buildFederatedSchema, printSubgraphSdl } from './federation';
import { globalId } from './ids/global-id';

const UUID = '0b7e5a34-8f1d-4c2a-9e3b-5d6f7a8b9c0d';

const Order = entityStub('Order');
type Order = InstanceType<typeof Order>;

/** What a subgraph adds to a stub: a field of its own domain. */
@Resolver(() => Order)
class OrderNoteResolver {
  @Query(() => Order, { description: 'An order by id.' })
  order(@Arg('id', () => ID, { description: 'The order id.' }) id: string): Order {
    return Order.of(id);
  }

  @FieldResolver(() => String, { description: 'A note about the order.' })
  note(@Root() order: Order): string {
    return `note for ${order.id}`;
  }
}

describe('entity stubs', () => {
  it('makes a fresh class per call, with the entity name and a static of()', () => {
    const a = entityStub('User');
    const b = entityStub('User');
    expect(a).not.toBe(b);
    expect(a.entityName).toBe('User');
    const user = a.of('u1');
    expect(user).toBeInstanceOf(a);
    expect(user).not.toBeInstanceOf(b);
    expect(user.id).toBe('u1');
  });

  it('prints a key-only entity with the canonical descriptions, and resolves references by key', async () => {
    const schema = await buildFederatedSchema({ resolvers: [OrderNoteResolver], references: stubReferences(Order) });

    expect(printSubgraphSdl(schema)).toContain(
      [
        '"""',
        EntityDescriptions.Order,
        '"""',
        'type Order',
        '  @key(fields: "id")',
        '{',
        // Over 70 characters, so graphql-js prints it as a block.
        '  """',
        `  ${ENTITY_ID_DESCRIPTION}`,
        '  """',
        '  id: ID!',
        '',
        '  """A note about the order."""',
        '  note: String!',
        '}',
      ].join('\n'),
    );

    const result = await graphql({
      schema,
      source:
        'query ($representations: [_Any!]!) { _entities(representations: $representations) { __typename ... on Order { id note } } }',
      variableValues: { representations: [{ __typename: 'Order', id: globalId('Order', UUID) }] },
      contextValue: {},
    });
    expect(result.errors).toBeUndefined();
    // The stub's resolvers see the uuid; the answer carries the global id.
    expect(result.data).toEqual({
      _entities: [{ __typename: 'Order', id: globalId('Order', UUID), note: `note for ${UUID}` }],
    });
  });

  it("carries the owner's cache hint from ENTITY_CACHE_HINTS: public entities 60 s, private ones none", async () => {
    expect(ENTITY_CACHE_HINTS).toMatchObject({ Product: 'public', Vendor: 'public', User: 'public', Order: 'private' });
    const { Product, Vendor, User, Payment, License } = entityStubs('Product', 'Vendor', 'User', 'Payment', 'License');
    @Resolver()
    class StubsResolver {
      @Query(() => Order, { description: 'An order.' })
      order(): Order {
        return Order.of('o1');
      }
    }
    const schema = await buildFederatedSchema({
      resolvers: [StubsResolver],
      orphanedTypes: [Product, Vendor, User, Payment, License],
    });
    const hints = Object.fromEntries(
      ['Product', 'Vendor', 'User', 'Order', 'Payment', 'License'].map((name) => {
        const type = schema.getType(name)!;
        const directive = type.astNode?.directives?.find((d) => d.name.value === 'cacheControl');
        return [name, directive ? print(directive) : null];
      }),
    );
    const publicHint = `@cacheControl(maxAge: ${PUBLIC_DATA_MAX_AGE_SECONDS})`;
    expect(hints).toEqual({
      Product: publicHint,
      Vendor: publicHint,
      User: publicHint,
      Order: null,
      Payment: null,
      License: null,
    });
  });

  it('stubReferences maps each stub name to a __resolveReference returning Stub.of(id)', () => {
    const Vendor = entityStub('Vendor');
    const references = stubReferences(Order, Vendor) as Record<
      string,
      { __resolveReference: (reference: { id: string }) => unknown }
    >;
    expect(Object.keys(references)).toEqual(['Order', 'Vendor']);
    const vendor = references.Vendor.__resolveReference({ id: 'v1' });
    expect(vendor).toBeInstanceOf(Vendor);
    expect(vendor).toEqual(Object.assign(new Vendor(), { id: 'v1' }));
  });

  it('entityStubs makes one fresh stub per name and the reference resolvers of them all', () => {
    const { Product, User, references } = entityStubs('Product', 'User');
    expect([Product.entityName, User.entityName]).toEqual(['Product', 'User']);
    expect(Product).not.toBe(entityStubs('Product').Product);
    const resolvers = references as Record<string, { __resolveReference: (reference: { id: string }) => unknown }>;
    expect(Object.keys(resolvers)).toEqual(['Product', 'User']);
    expect(resolvers.User.__resolveReference({ id: 'u1' })).toEqual(User.of('u1'));
    expect(resolvers.User.__resolveReference({ id: 'u1' })).toBeInstanceOf(User);
  });
});
