import { inputProblems } from '@marketplace/kit/testing';
import {
  BIO_MAX_LENGTH,
  DISPLAY_NAME_MAX_LENGTH,
  VendorInputCheck,
  SLUG_MAX_LENGTH,
  isSlug,
  slugFrom,
  slugWithSuffix,
} from './vendor.validation';

/** Runs one check and returns the problems `done()` reports (empty when the input is fine). */
const problemsOf = (run: (check: VendorInputCheck) => unknown) => inputProblems(new VendorInputCheck(), run);

describe('InputCheck.slug', () => {
  it.each(['abc', 'ada-agents', 'a1-b2-c3', '123', 'x'.repeat(SLUG_MAX_LENGTH)])('accepts %s', (slug) => {
    expect(problemsOf((check) => check.slug('input.slug', slug))).toEqual([]);
  });

  it('trims surrounding spaces', () => {
    const check = new VendorInputCheck();
    expect(check.slug('s', '  ada-agents ')).toBe('ada-agents');
  });

  it.each([
    ['too short', 'ab', 'must be 3 to 48 characters'],
    ['too long', 'x'.repeat(SLUG_MAX_LENGTH + 1), 'must be 3 to 48 characters'],
    [
      'upper case',
      'Ada-Agents',
      'must be lower-case letters, digits and single hyphens, starting and ending with a letter or digit',
    ],
    [
      'an underscore',
      'ada_agents',
      'must be lower-case letters, digits and single hyphens, starting and ending with a letter or digit',
    ],
    [
      'a space',
      'ada agents',
      'must be lower-case letters, digits and single hyphens, starting and ending with a letter or digit',
    ],
    [
      'a leading hyphen',
      '-ada',
      'must be lower-case letters, digits and single hyphens, starting and ending with a letter or digit',
    ],
    [
      'a trailing hyphen',
      'ada-',
      'must be lower-case letters, digits and single hyphens, starting and ending with a letter or digit',
    ],
    [
      'a double hyphen',
      'ada--agents',
      'must be lower-case letters, digits and single hyphens, starting and ending with a letter or digit',
    ],
    [
      'an accent',
      'café-ada',
      'must be lower-case letters, digits and single hyphens, starting and ending with a letter or digit',
    ],
    [
      'a LIKE wildcard',
      'ada%',
      'must be lower-case letters, digits and single hyphens, starting and ending with a letter or digit',
    ],
  ])('refuses a slug with %s', (_label, slug, message) => {
    expect(problemsOf((check) => check.slug('input.slug', slug))).toEqual([{ field: 'input.slug', message }]);
  });
});

describe('InputCheck.displayName', () => {
  it.each([
    ['empty', '', 'must not be empty'],
    ['only whitespace', ' \t ', 'must not be empty'],
    ['too long', 'x'.repeat(DISPLAY_NAME_MAX_LENGTH + 1), `must be at most ${DISPLAY_NAME_MAX_LENGTH} characters`],
    ['a newline', 'two\nlines', 'must not contain control characters'],
  ])('refuses a name that is %s', (_label, name, message) => {
    expect(problemsOf((check) => check.displayName('input.displayName', name))).toEqual([
      { field: 'input.displayName', message },
    ]);
  });

  it('trims and accepts the maximum length', () => {
    const check = new VendorInputCheck();
    expect(check.displayName('n', `  ${'x'.repeat(DISPLAY_NAME_MAX_LENGTH)}  `)).toHaveLength(DISPLAY_NAME_MAX_LENGTH);
    expect(() => check.done()).not.toThrow();
  });
});

describe('InputCheck.multiLineText (bios and reasons)', () => {
  it('keeps line breaks, trims, and lets blank be empty', () => {
    const check = new VendorInputCheck();
    expect(check.multiLineText('b', '  line one\n\tline two  ', BIO_MAX_LENGTH)).toBe('line one\n\tline two');
    expect(check.multiLineText('b', '   ', BIO_MAX_LENGTH)).toBe('');
    expect(() => check.done()).not.toThrow();
  });

  it('refuses over-long text and other control characters', () => {
    expect(
      problemsOf((check) => check.multiLineText('input.bio', 'x'.repeat(BIO_MAX_LENGTH + 1), BIO_MAX_LENGTH)),
    ).toEqual([{ field: 'input.bio', message: `must be at most ${BIO_MAX_LENGTH} characters` }]);
    expect(problemsOf((check) => check.multiLineText('input.bio', 'bell\u0007', BIO_MAX_LENGTH))).toEqual([
      { field: 'input.bio', message: 'must not contain control characters' },
    ]);
  });

  it('requires something for a required text', () => {
    expect(problemsOf((check) => check.multiLineText('reason', ' \n ', 10, { required: true }))).toEqual([
      { field: 'reason', message: 'must not be empty' },
    ]);
  });

  it('reports every problem at once, in the order found', () => {
    const problems = problemsOf((check) => {
      check.displayName('input.displayName', '');
      check.slug('input.slug', 'NO');
      check.multiLineText('input.bio', 'x'.repeat(BIO_MAX_LENGTH + 1), BIO_MAX_LENGTH);
    });
    expect(problems.map((p) => p.field)).toEqual(['input.displayName', 'input.slug', 'input.bio']);
  });
});

describe('slugFrom', () => {
  it.each([
    ['Ada Agents', 'ada-agents'],
    ['  Grace   Workflows!! ', 'grace-workflows'],
    ['Zoë & Łukasz — Café Tools', 'zoe-ukasz-cafe-tools'],
    ['AI', 'ai-shop'],
    ['日本語', 'shop'],
    ['---', 'shop'],
    ['R2', 'r2-shop'],
  ])('makes %j into %s', (name, slug) => {
    expect(slugFrom(name)).toBe(slug);
    expect(isSlug(slugFrom(name))).toBe(true);
  });

  it('cuts long names at the maximum without a trailing hyphen', () => {
    const slug = slugFrom(`${'a'.repeat(SLUG_MAX_LENGTH - 1)} tail`);
    expect(slug).toBe('a'.repeat(SLUG_MAX_LENGTH - 1));
    expect(isSlug(slug)).toBe(true);
  });
});

describe('slugWithSuffix', () => {
  it('appends the number, shortening the base to stay within the maximum', () => {
    expect(slugWithSuffix('ada-agents', 2)).toBe('ada-agents-2');
    const long = slugWithSuffix('x'.repeat(SLUG_MAX_LENGTH), 12);
    expect(long).toHaveLength(SLUG_MAX_LENGTH);
    expect(long.endsWith('-12')).toBe(true);
    // Never a double hyphen where the cut lands on one.
    const cut = slugWithSuffix(`${'a'.repeat(SLUG_MAX_LENGTH - 3)}-bc`, 7);
    expect(isSlug(cut)).toBe(true);
  });
});
