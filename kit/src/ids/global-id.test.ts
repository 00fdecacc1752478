import { globalId, globalIdProblem, parseGlobalId, rawIdOf, typeNamedBy, uuidOf } from './global-id';

const UUID = '0b7e6c1e-4f7a-4c39-9a55-0e1f2a3b4c5d';

describe('global ids', () => {
  it('encodes <Typename>:<uuid> and decodes it back (uuid lower-cased)', () => {
    expect(globalId('Order', UUID)).toBe(`Order:${UUID}`);
    expect(parseGlobalId(`Order:${UUID}`)).toEqual({ typename: 'Order', uuid: UUID });
    expect(parseGlobalId(`Order:${UUID.toUpperCase()}`)).toEqual({ typename: 'Order', uuid: UUID });
    expect(uuidOf(globalId('Product', UUID))).toBe(UUID);
  });

  it.each([
    UUID,
    `order:${UUID}`,
    `Order:${UUID}x`,
    `Order:`,
    `:${UUID}`,
    `Order:${UUID}:extra`,
    `Order: ${UUID}`,
    '',
    42,
    null,
    undefined,
    { typename: 'Order' },
  ])('refuses %p', (value) => {
    expect(parseGlobalId(value)).toBeUndefined();
    expect(globalIdProblem(value, undefined)).toMatch(/must be a global id/);
  });

  it('uuidOf throws on anything but a global id', () => {
    expect(() => uuidOf(UUID)).toThrow(/not a global id/);
  });

  it('names the type an id argument must be of', () => {
    expect(typeNamedBy('orderId')).toBe('Order');
    expect(typeNamedBy('productIds')).toBe('Product');
    expect(typeNamedBy('deletedReviewId')).toBe('Review');
    expect(typeNamedBy('categoryId')).toBe('Category');
    for (const [name, type] of [
      ['vendorId', 'Vendor'],
      ['userId', 'User'],
      ['payoutId', 'Payout'],
      ['licenseId', 'License'],
    ])
      expect(typeNamedBy(name)).toBe(type);
    // An audit record's actor is a user: `auditLog(filter: { actorId })`.
    expect(typeNamedBy('actorId')).toBe('User');
    expect(typeNamedBy('id')).toBeUndefined();
    expect(typeNamedBy('idempotencyKey')).toBeUndefined();
  });

  it('refuses an id of the wrong type, naming both', () => {
    expect(globalIdProblem(globalId('Product', UUID), new Set(['Order']))).toBe(
      'must be an id of type Order, not Product',
    );
    expect(globalIdProblem(globalId('Order', UUID), new Set(['Order']))).toBeUndefined();
  });

  it('rawIdOf works in both modes: a global id gives its uuid, anything else is unchanged', () => {
    expect(rawIdOf(globalId('Order', UUID))).toBe(UUID);
    expect(rawIdOf(UUID)).toBe(UUID);
    expect(rawIdOf('whatever')).toBe('whatever');
  });
});
