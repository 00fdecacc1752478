import { AppError } from './errors';
import { InputCheck, isCursorTime, isTimeIdCursor, isUuid } from './validation';

describe('isUuid', () => {
  it.each([
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
    '00000000-0000-0000-0000-000000000000',
  ])('accepts %s', (id) => {
    expect(isUuid(id)).toBe(true);
  });

  it.each([
    '',
    'not-a-uuid',
    'a0eebc999c0b4ef8bb6d6bb9bd380a11',
    ' a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\n',
    "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1' OR '1'='1",
    'g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  ])('refuses %j', (id) => {
    expect(isUuid(id)).toBe(false);
  });
});

describe('isCursorTime', () => {
  it('accepts exactly what toISOString writes', () => {
    expect(isCursorTime(new Date('2026-11-22T01:02:03.456Z').toISOString())).toBe(true);
  });

  it.each([
    '2026-02-30T00:00:00.000Z',
    '0000-01-01T00:00:00.000Z',
    '2026-11-22T01:02:03Z',
    '2026-11-22 01:02:03.456',
    'yesterday',
    1763770000000,
    '',
  ])('refuses %j', (value) => {
    expect(isCursorTime(value)).toBe(false);
  });

  it('checks both halves of a [time, id] cursor', () => {
    expect(isTimeIdCursor(['2026-11-22T01:02:03.456Z', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'])).toBe(true);
    expect(isTimeIdCursor(['2026-11-22T01:02:03.456Z', 'x'])).toBe(false);
    expect(isTimeIdCursor(['nope', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'])).toBe(false);
  });
});

describe('InputCheck', () => {
  it('reports every problem at once as BAD_USER_INPUT, and nothing when there is none', () => {
    const check = new InputCheck();
    expect(check.valid).toBe(true);
    expect(() => check.done()).not.toThrow();
    check.add('input.a', 'is wrong');
    check.add('input.b', 'is also wrong');
    expect(check.valid).toBe(false);
    try {
      check.done();
      throw new Error('done() should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [
          { field: 'input.a', message: 'is wrong' },
          { field: 'input.b', message: 'is also wrong' },
        ],
      });
    }
  });
});
