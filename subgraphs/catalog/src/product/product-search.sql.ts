import type { ProductFilter } from './product.inputs';
import { ProductInputCheck } from './product.validation';

/** Query words checked for misspellings; the rest are matched as typed. */
const MAX_FUZZY_WORDS = 8;
/** A vocabulary term replaces a misspelled word from this trigram similarity on (asistant/assistant: 0.73, workfow/workflow: 0.55). */
const MIN_TERM_SIMILARITY = 0.45;
/** ts_rank_cd weights for D, C, B, A: a name hit (A) is worth ten description hits (C). */
export const RANK_WEIGHTS = `'{0.05, 0.1, 0.4, 1.0}'`;

/** A product filter after its checks: trimmed search, normalised tags, the one currency. */
export type CheckedFilter = ProductFilter & { search: string; tags: string[]; currency: string | null };

/** Where a storefront connection keeps the filter it answers (not enumerable: never cached or serialised). */
export const FILTER_OF_CONNECTION = Symbol('productFilter');

/** The filter's checks, all problems at once (BAD_USER_INPUT with each field's path). */
export function checkProductFilter(filter: ProductFilter): CheckedFilter {
  const check = new ProductInputCheck();
  const search = filter.search ? check.search('filter.search', filter.search) : '';
  const tags = filter.tags ? check.tags('filter.tags', filter.tags) : [];
  const currency = check.priceRange('filter', filter.minPrice, filter.maxPrice, filter.currency);
  if (filter.vendorId !== null && filter.vendorId !== undefined) check.id('filter.vendorId', filter.vendorId);
  if (filter.minRating !== null && filter.minRating !== undefined)
    check.minRating('filter.minRating', filter.minRating);
  check.done();
  return {
    search,
    tags,
    currency,
    categorySlug: filter.categorySlug ?? null,
    kind: filter.kind ?? null,
    minPrice: filter.minPrice ?? null,
    maxPrice: filter.maxPrice ?? null,
    vendorId: filter.vendorId ?? null,
    minRating: filter.minRating ?? null,
  };
}

/** The storefront products of one vendor (an id the vendor subgraph handed over: no checks). */
export function vendorFilter(vendorId: string): CheckedFilter {
  return { search: '', tags: [], currency: null, vendorId };
}

/** The filters a facet may leave out: each facet is counted without its own. */
export type FacetName = 'category' | 'kind' | 'price' | 'rating' | 'vendor';

/** Collects the parameters of one statement: `param(value, type)` answers `$n::type`. */
export class Params {
  readonly values: unknown[] = [];
  param(value: unknown, type: string): string {
    return `$${this.values.push(value)}::${type}`;
  }
}

/**
 * The CTEs of a text search, to lead a statement: `q(exact, fuzzy, query)`, one row. The
 * exact query is websearch syntax ("phrases", or, -exclusions; never a syntax error); the
 * typo-tolerant one ORs every word with up to three near spellings from the vocabulary of
 * names and tags (trigram index) when the word itself is not in it. `query` is what the
 * products must match: either of them. Built in the statement that uses it, so a search is
 * one round trip.
 */
export function textQueryCtes(search: string, params: Params): string {
  const words = usesOperators(search)
    ? []
    : [...new Set(search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].slice(0, MAX_FUZZY_WORDS);
  return `
  words AS (
    SELECT word, position FROM unnest(${params.param(words, 'text[]')}) WITH ORDINALITY AS w(word, position)
  ), alternatives AS (
    SELECT w.position, tsquery_any(plainto_tsquery('english', a.alternative)) AS query
    FROM words w
    CROSS JOIN LATERAL (
      SELECT w.word AS alternative
      UNION ALL
      (SELECT t.term FROM search_terms t
       WHERE length(w.word) >= 4 AND t.term % w.word AND similarity(t.term, w.word) >= ${MIN_TERM_SIMILARITY}
         AND NOT EXISTS (SELECT 1 FROM search_terms known WHERE known.term = w.word)
       ORDER BY similarity(t.term, w.word) DESC, t.term
       LIMIT 3)
    ) a
    GROUP BY w.position
  ), parsed AS MATERIALIZED (
    SELECT websearch_to_tsquery('english', ${params.param(search, 'text')}) AS exact,
           (SELECT tsquery_all(query) FROM alternatives) AS fuzzy
  ), q AS MATERIALIZED (
    SELECT exact, fuzzy, CASE WHEN fuzzy IS NULL THEN exact WHEN exact IS NULL THEN fuzzy ELSE exact || fuzzy END AS query
    FROM (
      SELECT CASE WHEN numnode(exact) > 0 THEN exact END AS exact,
             CASE WHEN numnode(fuzzy) > 0 AND fuzzy <> exact THEN fuzzy END AS fuzzy
      FROM parsed
    ) queries
  )`;
}

/** The relevance of `p` for the search in `q`: an exact hit counts double, the typo-tolerant query only adds what the exact one missed. */
export const RANK_SQL = `(coalesce(2 * ts_rank_cd(${RANK_WEIGHTS}, p.search, (SELECT exact FROM q)), 0)
  + coalesce(ts_rank_cd(${RANK_WEIGHTS}, p.search, (SELECT fuzzy FROM q)), 0))::float8`;

/**
 * The conditions a storefront product of alias `p` meets for `filter` (with `q` in scope
 * when it has a search): `common` ones narrow every facet, each facet's own are apart so
 * that the facets can count without them.
 */
export function storefrontConditions(
  filter: CheckedFilter,
  params: Params,
): { common: string[]; facets: Record<FacetName, string[]> } {
  const param = params.param.bind(params);
  // Only products in the storefront: published, of a vendor that is active (its owner not
  // suspended). Written as "not of an inactive vendor", a hashed filter of the few inactive
  // ones: as a join, the planner (which cannot estimate the view's status) drives the whole
  // search from the vendors, one index probe each.
  const common = [
    `p.status = 'PUBLISHED'`,
    `p.vendor_id NOT IN (SELECT sv.id FROM storefront_vendors sv WHERE sv.status <> 'ACTIVE')`,
  ];
  if (filter.search) common.push(`p.search @@ (SELECT query FROM q)`);
  if (filter.currency) common.push(`p.price_currency = ${param(filter.currency, 'text')}`);
  if (filter.tags.length > 0) common.push(`p.tags @> ${param(filter.tags, 'text[]')}`);
  const facets: Record<FacetName, string[]> = { category: [], kind: [], price: [], rating: [], vendor: [] };
  if (filter.kind) facets.kind.push(`p.kind = ${param(filter.kind, 'text')}`);
  if (filter.minPrice) facets.price.push(`p.price_amount >= ${param(filter.minPrice.amount, 'int8')}`);
  if (filter.maxPrice) facets.price.push(`p.price_amount <= ${param(filter.maxPrice.amount, 'int8')}`);
  if (filter.minRating)
    facets.rating.push(`(p.review_count > 0 AND p.rating >= ${param(filter.minRating, 'numeric')})`);
  if (filter.vendorId) facets.vendor.push(`p.vendor_id = ${param(filter.vendorId, 'uuid')}`);
  if (filter.categorySlug) {
    facets.category.push(`p.category_id IN (
        WITH RECURSIVE tree AS (
          SELECT id FROM categories WHERE slug = ${param(filter.categorySlug.trim().toLowerCase(), 'text')}
          UNION ALL SELECT c.id FROM categories c JOIN tree ON c.parent_id = tree.id
        ) SELECT id FROM tree)`);
  }
  return { common, facets };
}

/** Every condition of `storefrontConditions`, ANDed. */
export function allConditions(conditions: ReturnType<typeof storefrontConditions>): string {
  return [...conditions.common, ...Object.values(conditions.facets).flat()].join(' AND ');
}

/**
 * "Quoted phrases", `or` and -exclusions mean the user wrote a precise query: it runs
 * as written, without the typo-tolerant widening (which would ignore the operators).
 */
function usesOperators(search: string): boolean {
  return /"|(^|\s)-\S|(^|\s)or(\s|$)/i.test(search);
}
