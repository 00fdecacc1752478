import { InputCheck, isUuid } from '@marketplace/kit';

export const REVIEW_BODY_MAX_LENGTH = 4_000;
export const RATING_MIN = 1;
export const RATING_MAX = 5;

/** The rules of a review's fields on top of the kit's problem collector. */
export class ReviewInputCheck extends InputCheck {
  id(field: string, raw: string): string {
    if (!isUuid(raw)) this.add(field, 'is not a valid id');
    return raw;
  }

  rating(field: string, raw: number): number {
    if (!Number.isInteger(raw) || raw < RATING_MIN || raw > RATING_MAX)
      this.add(field, `must be a whole number from ${RATING_MIN} to ${RATING_MAX}`);
    return raw;
  }

  /** Trimmed; empty (or absent) is null: a rating without words. */
  body(field: string, raw: string | null | undefined): string | null {
    if (raw === null || raw === undefined) return null;
    return this.multiLineText(field, raw, REVIEW_BODY_MAX_LENGTH) || null;
  }
}
