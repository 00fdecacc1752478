import { buildSchema, GraphQLEnumType } from 'graphql';
import { ErrorReason } from './contracts/error-reasons';
import { ERROR_ENUMS_SDL } from './error-enums';
import { ErrorCode, conflict, forbidden } from './errors';

const schema = buildSchema(`${ERROR_ENUMS_SDL}\ntype Query { ok: Boolean }`);
const valuesOf = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues();

describe('the error contract in the schema', () => {
  it('ErrorCode names every code a resolver raises, each with a description', () => {
    const values = valuesOf('ErrorCode');
    expect(values.map((value) => value.name)).toEqual(expect.arrayContaining(Object.keys(ErrorCode)));
    for (const value of values) expect(value.description?.length).toBeGreaterThan(10);
  });

  it('ErrorReason is the kit list, each with a description', () => {
    const values = valuesOf('ErrorReason');
    expect(values.map((value) => value.name)).toEqual(Object.keys(ErrorReason));
    for (const value of values) expect(value.description?.length).toBeGreaterThan(10);
  });

  it('conflict and forbidden carry the reason and the input paths as extensions', () => {
    const fields = [{ field: 'input.idempotencyKey', message: 'was used with another amount' }];
    expect(conflict('Used before', 'IDEMPOTENCY_KEY_REUSED', fields).extensions).toEqual({
      code: 'CONFLICT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
      fields,
    });
    expect(forbidden('No', 'INVALID_STATUS').extensions).toEqual({ code: 'FORBIDDEN', reason: 'INVALID_STATUS' });
    expect(forbidden().extensions).toEqual({ code: 'FORBIDDEN' });
  });
});
