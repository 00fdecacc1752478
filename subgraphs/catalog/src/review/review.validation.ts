import { InputCheck } from '@marketplace/kit';

export const REVIEW_BODY_MAX_LENGTH = 4_000;
export const RATING_MIN = 1;
export const RATING_MAX = 5;

// Line breaks and tabs are fine in a review; nothing else below the space.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The rules of a review's fields on top of the kit's problem collector. */
export class ReviewInputCheck extends InputCheck {
  rating(field: string, raw: number): number {
    if (!Number.isInteger(raw) || raw < RATING_MIN || raw > RATING_MAX)
      this.add(field, `must be a whole number from ${RATING_MIN} to ${RATING_MAX}`);
    return raw;
  }

  /** Trimmed; may be empty (a rating without words). */
  body(field: string, raw: string): string {
    const body = raw.trim();
    if (body.length > REVIEW_BODY_MAX_LENGTH) this.add(field, `must be at most ${REVIEW_BODY_MAX_LENGTH} characters`);
    else if (CONTROL_CHARACTERS_BUT_WHITESPACE.test(body)) this.add(field, 'must not contain control characters');
    return body;
  }
}
