import { InputCheck, isUuid } from '@marketplace/kit';

export const CATEGORY_NAME_MAX_LENGTH = 80;
export const CATEGORY_SLUG_MAX_LENGTH = 64;
export const CATEGORY_DESCRIPTION_MAX_LENGTH = 1_000;
/** Levels of the tree, a root being level 1: the storefront's menus show at most this many. */
export const CATEGORY_MAX_DEPTH = 4;

const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The rules of a category's fields, on top of the kit's problem collector. */
export class CategoryInputCheck extends InputCheck {
  id(field: string, raw: string): string {
    if (!isUuid(raw)) this.add(field, 'is not a valid id');
    return raw;
  }

  name(field: string, raw: string): string {
    return this.singleLineText(field, raw, CATEGORY_NAME_MAX_LENGTH);
  }

  /** Lower-cased and trimmed; lower-case letters, digits and single hyphens. */
  slug(field: string, raw: string): string {
    const slug = raw.trim().toLowerCase();
    if (slug.length === 0 || slug.length > CATEGORY_SLUG_MAX_LENGTH)
      this.add(field, `must be 1 to ${CATEGORY_SLUG_MAX_LENGTH} characters`);
    else if (!SLUG_PATTERN.test(slug)) this.add(field, 'may only contain a-z, 0-9 and single "-" between them');
    return slug;
  }

  /** Trimmed; empty is absent (null). */
  description(field: string, raw: string | null | undefined): string | null {
    if (raw === null || raw === undefined) return null;
    return this.multiLineText(field, raw, CATEGORY_DESCRIPTION_MAX_LENGTH) || null;
  }
}

/** A slug from a name: ASCII letters and digits, runs of anything else as one "-", accents dropped. */
export function categorySlugFrom(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, CATEGORY_SLUG_MAX_LENGTH)
    .replace(/^-+|-+$/g, '');
}
