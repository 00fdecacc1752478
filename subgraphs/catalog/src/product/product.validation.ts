import { CurrencyCode, InputCheck, LicensePolicy, MoneyInput, isUuid } from '@marketplace/kit';

export const NAME_MAX_LENGTH = 120;
export const DESCRIPTION_MAX_LENGTH = 10_000;
export const PRICE_MAX_AMOUNT = 10_000_000;
export const TAGS_MAX = 10;
export const TAG_MAX_LENGTH = 32;
/** Lines of `requirements` and of `compatibility`, and the length of each. */
export const DETAILS_MAX = 20;
export const DETAIL_MAX_LENGTH = 200;
export const SEARCH_MAX_LENGTH = 200;
export const REASON_MAX_LENGTH = 1_000;
const SLUG_MAX_LENGTH = 80;

const TAG_PATTERN = /^[a-z0-9-]+$/;

/** The catalog's field rules on top of the kit's problem collector (`add`, `valid`, `done`). */
export class ProductInputCheck extends InputCheck {
  name(field: string, raw: string): string {
    const name = this.singleLineText(field, raw, NAME_MAX_LENGTH);
    if (!this.has(field) && slugify(name) === '') this.add(field, 'must contain a letter or a digit');
    return name;
  }

  /** Trimmed; empty (or absent) is null: absent text is never "". */
  description(field: string, raw: string | null | undefined): string | null {
    if (raw === null || raw === undefined) return null;
    return this.multiLineText(field, raw, DESCRIPTION_MAX_LENGTH) || null;
  }

  price(field: string, raw: MoneyInput): MoneyInput {
    return this.money(field, raw, { max: PRICE_MAX_AMOUNT });
  }

  /** Lower-cased, trimmed, de-duplicated in order. */
  tags(field: string, raw: string[]): string[] {
    const tags = [...new Set(raw.map((tag) => tag.trim().toLowerCase()))];
    if (tags.length > TAGS_MAX) this.add(field, `must hold at most ${TAGS_MAX} tags`);
    tags.forEach((tag, index) => {
      if (tag.length === 0 || tag.length > TAG_MAX_LENGTH)
        this.add(`${field}.${index}`, `must be 1 to ${TAG_MAX_LENGTH} characters`);
      else if (!TAG_PATTERN.test(tag)) this.add(`${field}.${index}`, 'may only contain a-z, 0-9 and "-"');
    });
    return tags;
  }

  /** `requirements` and `compatibility`: trimmed single lines, de-duplicated in order, empty ones refused. */
  details(field: string, raw: string[]): string[] {
    const lines = [
      ...new Set(raw.map((line, index) => this.singleLineText(`${field}.${index}`, line, DETAIL_MAX_LENGTH))),
    ];
    if (raw.length > DETAILS_MAX) this.add(field, `must hold at most ${DETAILS_MAX} lines`);
    return lines;
  }

  maxActivations(field: string, raw: number): number {
    const limit = LicensePolicy.maxActivationsLimit;
    if (!Number.isInteger(raw) || raw < 1 || raw > limit) this.add(field, `must be a whole number from 1 to ${limit}`);
    return raw;
  }

  id(field: string, raw: string): string {
    if (!isUuid(raw)) this.add(field, 'is not a valid id');
    return raw;
  }

  reason(field: string, raw: string): string {
    return this.multiLineText(field, raw, REASON_MAX_LENGTH, { required: true });
  }

  /** Search text: control characters become spaces; anything else is fine (the query parser never fails). */
  search(field: string, raw: string): string {
    const search = raw.replace(/[\u0000-\u001f\u007f]/g, ' ').trim(); // eslint-disable-line no-control-regex
    if (search.length > SEARCH_MAX_LENGTH) this.add(field, `must be at most ${SEARCH_MAX_LENGTH} characters`);
    return search;
  }

  /** A rating floor: 1 to 5. */
  minRating(field: string, raw: number): number {
    if (!Number.isFinite(raw) || raw < 1 || raw > 5) this.add(field, 'must be from 1 to 5');
    return raw;
  }

  /**
   * The price bounds and the currency of a product filter: every one given names the same
   * currency, which is then the only one listed. Answers that currency (null: any).
   */
  priceRange(
    field: string,
    min: MoneyInput | null | undefined,
    max: MoneyInput | null | undefined,
    currency: CurrencyCode | null | undefined,
  ): CurrencyCode | null {
    for (const [name, bound] of [
      ['minPrice', min],
      ['maxPrice', max],
    ] as const) {
      if (bound) this.money(`${field}.${name}`, bound);
    }
    const wanted = currency ?? min?.currency ?? max?.currency ?? null;
    if (min && min.currency !== wanted)
      this.add(`${field}.minPrice.currency`, `must be the filter's currency, ${wanted}`);
    if (max && max.currency !== wanted)
      this.add(`${field}.maxPrice.currency`, `must be the filter's currency, ${wanted}`);
    if (min && max && min.currency === max.currency && min.amount > max.amount)
      this.add(`${field}.maxPrice.amount`, 'must not be below minPrice');
    return wanted;
  }
}

/**
 * The URL name of a product: lower-case letters and digits of any script, runs of
 * anything else as one "-", accents dropped ("Café Agent" → "cafe-agent").
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/^-+|-+$/g, '');
}
