import { inputProblems } from '@marketplace/kit/testing';
import {
  DISPLAY_NAME_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  UserInputCheck,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  normalizeEmail,
} from './user.validation';

/** Runs one check and returns the problems `done()` reports (empty when the input is fine). */
const problemsOf = (run: (check: UserInputCheck) => unknown) => inputProblems(new UserInputCheck(), run);

describe('InputCheck.email', () => {
  it('trims and lower-cases', () => {
    const check = new UserInputCheck();
    expect(check.email('email', '  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
    expect(() => check.done()).not.toThrow();
    expect(normalizeEmail(' A@B.C ')).toBe('a@b.c');
  });

  it.each(['a@b.co', "o'brien+tag@sub.example.org", `${'a'.repeat(EMAIL_MAX_LENGTH - 12)}@example.com`])(
    'accepts %s',
    (email) => {
      expect(problemsOf((check) => check.email('input.email', email))).toEqual([]);
    },
  );

  it.each([
    ['no @', 'ada.example.com', 'must be a valid email address'],
    ['two @', 'ada@lovelace@example.com', 'must be a valid email address'],
    ['no dot in the domain', 'ada@localhost', 'must be a valid email address'],
    ['a space inside', 'ada lovelace@example.com', 'must be a valid email address'],
    ['an empty local part', '@example.com', 'must be a valid email address'],
    ['only spaces', '   ', 'must be a valid email address'],
    [
      'one character too many',
      `${'a'.repeat(EMAIL_MAX_LENGTH - 11)}@example.com`,
      `must be at most ${EMAIL_MAX_LENGTH} characters`,
    ],
  ])('refuses %s', (_label, email, message) => {
    expect(problemsOf((check) => check.email('input.email', email))).toEqual([{ field: 'input.email', message }]);
  });
});

describe('InputCheck.displayName', () => {
  it('trims and keeps inner spaces and punctuation', () => {
    const check = new UserInputCheck();
    expect(check.displayName('n', "  Zoë O'Brien-Smith, PhD  ")).toBe("Zoë O'Brien-Smith, PhD");
    expect(check.displayName('n', 'x'.repeat(DISPLAY_NAME_MAX_LENGTH))).toHaveLength(DISPLAY_NAME_MAX_LENGTH);
    expect(() => check.done()).not.toThrow();
  });

  it.each([
    ['empty', '', 'must not be empty'],
    ['only whitespace', ' \t\n ', 'must not be empty'],
    ['too long', 'x'.repeat(DISPLAY_NAME_MAX_LENGTH + 1), `must be at most ${DISPLAY_NAME_MAX_LENGTH} characters`],
    ['a NUL', 'bad\u0000name', 'must not contain control characters'],
    ['an inner newline', 'two\nlines', 'must not contain control characters'],
    ['DEL', 'del\u007fete', 'must not contain control characters'],
  ])('refuses a name that is %s', (_label, name, message) => {
    expect(problemsOf((check) => check.displayName('input.displayName', name))).toEqual([
      { field: 'input.displayName', message },
    ]);
  });

  it('judges the trimmed length', () => {
    expect(problemsOf((check) => check.displayName('n', `  ${'x'.repeat(DISPLAY_NAME_MAX_LENGTH)}  `))).toEqual([]);
  });
});

describe('InputCheck.password', () => {
  it('accepts a long, varied password and returns it unchanged (no trimming)', () => {
    const check = new UserInputCheck();
    expect(check.password('p', '  correct horse battery staple ')).toBe('  correct horse battery staple ');
    expect(check.password('p', 'abcde'.repeat(2))).toBe('abcdeabcde');
    expect(() => check.done()).not.toThrow();
  });

  it.each([
    ['too short', 'abcdefghi', `must be at least ${PASSWORD_MIN_LENGTH} characters`],
    ['too long', 'abcdefghij'.repeat(12) + 'abcdefghi', `must be at most ${PASSWORD_MAX_LENGTH} characters`],
    ['four distinct characters', 'abcdabcdabcd', 'must use at least 5 different characters'],
    ['a common password', 'Password123', 'is too common'],
    ['another common one', 'qwertyuiop', 'is too common'],
  ])('refuses a password that is %s', (_label, password, message) => {
    expect(problemsOf((check) => check.password('input.password', password))).toEqual([
      { field: 'input.password', message },
    ]);
  });

  it('accepts exactly the minimum and maximum lengths', () => {
    expect(problemsOf((check) => check.password('p', 'kestrel-42'.slice(0, PASSWORD_MIN_LENGTH)))).toEqual([]);
    expect(problemsOf((check) => check.password('p', 'kestrel-42'.repeat(13).slice(0, PASSWORD_MAX_LENGTH)))).toEqual(
      [],
    );
  });

  it('refuses a password containing the email local part (4 characters or more), in any case', () => {
    expect(problemsOf((check) => check.password('p', 'my LOVELACE secret', { email: 'lovelace@example.com' }))).toEqual(
      [{ field: 'p', message: 'must not contain your email address' }],
    );
    // Very short local parts would refuse too many good passwords.
    expect(problemsOf((check) => check.password('p', 'bob is a builder 42', { email: 'bob@example.com' }))).toEqual([]);
  });
});

describe('InputCheck.done', () => {
  it('reports every problem at once, in the order found', () => {
    const problems = problemsOf((check) => {
      check.email('input.email', 'nope');
      check.displayName('input.displayName', '');
      check.password('input.password', 'short');
      check.add('input.other', 'is wrong');
    });
    expect(problems.map((p) => p.field)).toEqual(['input.email', 'input.displayName', 'input.password', 'input.other']);
  });

  it('throws a BAD_USER_INPUT whose message lists the fields', () => {
    const check = new UserInputCheck();
    check.email('input.email', 'nope');
    expect(() => check.done()).toThrow('Invalid input: input.email must be a valid email address');
  });
});
