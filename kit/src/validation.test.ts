import { AppError } from './errors';
import { inputProblems } from './testing/helpers';
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

describe('InputCheck text rules', () => {
  it('trims a single line and refuses it empty, too long or with any control character', () => {
    const problems = inputProblems(new InputCheck(), (check) => {
      expect(check.singleLineText('ok', '  Ada  ', 5)).toBe('Ada');
      check.singleLineText('empty', '   ', 5);
      check.singleLineText('long', 'abcdef', 5);
      check.singleLineText('tab', 'a\tb', 5);
      expect(check.singleLineText('optional', ' ', 5, { optional: true })).toBe('');
    });
    expect(problems).toEqual([
      { field: 'empty', message: 'must not be empty' },
      { field: 'long', message: 'must be at most 5 characters' },
      { field: 'tab', message: 'must not contain control characters' },
    ]);
  });

  it('lets multi-line text hold tabs and line breaks but no other control character, and empty unless required', () => {
    const problems = inputProblems(new InputCheck(), (check) => {
      expect(check.multiLineText('ok', ' a\n\tb ', 10)).toBe('a\n\tb');
      expect(check.multiLineText('blank', '  ', 10)).toBe('');
      check.multiLineText('required', '  ', 10, { required: true });
      check.multiLineText('nul', 'a\u0000b', 10);
      check.multiLineText('long', 'a'.repeat(11), 10);
    });
    expect(problems).toEqual([
      { field: 'required', message: 'must not be empty' },
      { field: 'nul', message: 'must not contain control characters' },
      { field: 'long', message: 'must be at most 10 characters' },
    ]);
  });

  it('says which fields have a problem already', () => {
    const check = new InputCheck();
    check.add('input.name', 'is wrong');
    expect(check.has('input.name')).toBe(true);
    expect(check.has('input.other')).toBe(false);
  });
});
