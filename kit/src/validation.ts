import type { MoneyInput } from './contracts/money';
import { FieldError, badInput } from './errors';

/** The largest amount a client may send: 1e12 minor units (10 billion), far below SafeInt's limit. */
export const MAX_MONEY_INPUT_AMOUNT = 1_000_000_000_000;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** C0 controls, DEL and C1 controls: none belongs in one line of text. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/**
 * Text that may span lines: tabs and line breaks are fine, other control characters are
 * not. Every string argument of every operation is held to this (see input-controls.ts).
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Ids are UUIDs; anything else can be answered without asking the database (which would fail on it). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/**
 * A page cursor's time exactly as `toISOString()` wrote it, in a year Postgres accepts: a
 * forged cursor must fail as bad input, not as a database error.
 */
export function isCursorTime(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value) &&
    !value.startsWith('0000') &&
    new Date(value).toISOString() === value
  );
}

/** A `[createdAt, id]` keyset cursor, the shape of every "newest first" list. */
export const isTimeIdCursor = ([time, id]: (string | number)[]) => isCursorTime(time) && isUuid(id);

/**
 * Collects every problem of one input so a client can show them all at once; subgraphs
 * extend it with their own field rules.
 */
export class InputCheck {
  private readonly problems: FieldError[] = [];

  add(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  get valid(): boolean {
    return this.problems.length === 0;
  }

  /** Whether `field` has a problem already, so a finer rule need not pile another on it. */
  has(field: string): boolean {
    return this.problems.some((problem) => problem.field === field);
  }

  /**
   * One line of text (a name, a label): trimmed, at most `maxLength` characters, no control
   * characters. Empty is a problem unless `optional`.
   */
  singleLineText(field: string, raw: string, maxLength: number, { optional = false } = {}): string {
    return this.text(field, raw, maxLength, CONTROL_CHARACTERS, !optional);
  }

  /**
   * Text that may span lines (a description, a bio, a reason): trimmed, at most `maxLength`
   * characters, tabs and line breaks but no other control characters. Empty is a problem
   * only when `required`.
   */
  multiLineText(field: string, raw: string, maxLength: number, { required = false } = {}): string {
    return this.text(field, raw, maxLength, CONTROL_CHARACTERS_EXCEPT_LINES, required);
  }

  private text(field: string, raw: string, maxLength: number, forbidden: RegExp, required: boolean): string {
    const text = raw.trim();
    if (text.length === 0) {
      if (required) this.add(field, 'must not be empty');
    } else if (text.length > maxLength) this.add(field, `must be at most ${maxLength} characters`);
    else if (forbidden.test(text)) this.add(field, 'must not contain control characters');
    return text;
  }

  /**
   * An amount a client sent (`MoneyInput`): whole minor units from `min` to `max` (a problem on
   * `<field>.amount` otherwise). The currency is already one of `CurrencyCode`'s (the schema says so).
   */
  money(field: string, raw: MoneyInput, { min = 0, max = MAX_MONEY_INPUT_AMOUNT } = {}): MoneyInput {
    if (!Number.isSafeInteger(raw.amount) || raw.amount < min || raw.amount > max) {
      this.add(`${field}.amount`, `must be a whole number of minor units from ${min} to ${max}`);
    }
    return { amount: raw.amount, currency: raw.currency };
  }

  /** Throws BAD_USER_INPUT listing every problem found, if any. */
  done(): void {
    if (this.problems.length > 0) throw badInput(this.problems);
  }
}
