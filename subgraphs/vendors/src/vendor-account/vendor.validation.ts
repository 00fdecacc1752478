import { InputCheck, isUuid } from '@marketplace/kit';

export const DISPLAY_NAME_MAX_LENGTH = 80;
export const SLUG_MIN_LENGTH = 3;
export const SLUG_MAX_LENGTH = 48;
export const BIO_MAX_LENGTH = 2000;
export const REASON_MAX_LENGTH = 2000;

/** Lower-case letters and digits in groups joined by single hyphens (the table checks the same). */
const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The vendor subgraph's field rules on top of the kit's problem collector. */
export class VendorInputCheck extends InputCheck {
  /** An id this API hands out (a UUID); anything else is a client bug, not a visibility question. */
  id(field: string, raw: string): string {
    if (!isUuid(raw)) this.add(field, 'is not a valid id');
    return raw;
  }

  displayName(field: string, raw: string): string {
    return this.singleLineText(field, raw, DISPLAY_NAME_MAX_LENGTH);
  }

  slug(field: string, raw: string): string {
    const slug = raw.trim();
    if (slug.length < SLUG_MIN_LENGTH || slug.length > SLUG_MAX_LENGTH)
      this.add(field, `must be ${SLUG_MIN_LENGTH} to ${SLUG_MAX_LENGTH} characters`);
    else if (!SLUG_PATTERN.test(slug))
      this.add(
        field,
        'must be lower-case letters, digits and single hyphens, starting and ending with a letter or digit',
      );
    return slug;
  }
}

export function isSlug(value: string): boolean {
  return value.length >= SLUG_MIN_LENGTH && value.length <= SLUG_MAX_LENGTH && SLUG_PATTERN.test(value);
}

/**
 * A slug made from a display name: accents dropped, everything else that is not a letter or
 * digit becomes one hyphen. Too short a result (a name in another script, "AI") is padded
 * so that it is always a valid slug.
 */
export function slugFrom(displayName: string, maxLength = SLUG_MAX_LENGTH): string {
  const base = displayName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
  if (base.length >= SLUG_MIN_LENGTH) return base;
  return base ? `${base}-shop` : 'shop';
}

/** `base` with a numeric suffix, cut so the whole stays within the maximum length. */
export function slugWithSuffix(base: string, n: number): string {
  const suffix = `-${n}`;
  return `${base.slice(0, SLUG_MAX_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
}
