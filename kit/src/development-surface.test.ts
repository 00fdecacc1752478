import { buildSchema, graphql, isEnumType, printSchema } from 'graphql';
import { withoutDevelopmentSurface } from './development-surface';

const sdl = `
  type Query { payment: Payment }
  type Mutation { pay: Boolean, simulate(input: SimulateInput!): SimulatePayload }
  type Payment { provider: Provider! }
  enum Provider { STRIPE LOCAL }
  enum Outcome { OK FAIL }
  input SimulateInput { outcome: Outcome! }
  type SimulatePayload { payment: Payment }
`;
const surface = {
  fields: ['Mutation.simulate'],
  types: ['Outcome', 'SimulateInput', 'SimulatePayload'],
  enumValues: ['Provider.LOCAL'],
};

describe('withoutDevelopmentSurface', () => {
  it('drops the listed fields, types and enum values and keeps everything else, resolvers included', async () => {
    const full = buildSchema(sdl);
    full.getQueryType()!.getFields().payment.resolve = () => ({ provider: 'STRIPE' });
    const schema = withoutDevelopmentSurface(full, surface);
    expect(Object.keys(schema.getMutationType()!.getFields())).toEqual(['pay']);
    for (const name of surface.types) expect(schema.getType(name)).toBeUndefined();
    const provider = schema.getType('Provider');
    expect(isEnumType(provider) && provider.getValues().map((value) => value.name)).toEqual(['STRIPE']);
    expect(printSchema(schema)).not.toMatch(/LOCAL|Outcome|simulate|Simulate/);
    expect(await graphql({ schema, source: '{ payment { provider } }' })).toEqual({
      data: { payment: { provider: 'STRIPE' } },
    });
    // The schema it was given is left as it was.
    expect(full.getMutationType()!.getFields().simulate).toBeDefined();
  });

  it('refuses names the schema does not have (a typo must not leave the surface in production)', () => {
    expect(() => withoutDevelopmentSurface(buildSchema(sdl), { ...surface, fields: ['Mutation.simulat'] })).toThrow(
      'development-only names not in the schema: Mutation.simulat',
    );
    expect(() => withoutDevelopmentSurface(buildSchema(sdl), { enumValues: ['Provider.FAKE', 'Nope.X'] })).toThrow(
      'Provider.FAKE, Nope.X',
    );
  });

  it('refuses a production field that uses a development-only type, instead of silently dropping it', () => {
    expect(() => withoutDevelopmentSurface(buildSchema(sdl), { ...surface, fields: [] })).toThrow(
      'production fields use development-only types; list them too: Mutation.simulate (SimulatePayload), Mutation.simulate (SimulateInput)',
    );
  });
});
