import { FieldError, badInput } from './errors';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

  /** Throws BAD_USER_INPUT listing every problem found, if any. */
  done(): void {
    if (this.problems.length > 0) throw badInput(this.problems);
  }
}
