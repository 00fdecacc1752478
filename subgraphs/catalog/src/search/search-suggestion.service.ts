import { InputCheck, RequestContext, queryRows } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { PREFIX_MAX_LENGTH, SUGGESTIONS_MAX } from './search-suggestion.args';
import { SearchSuggestion, SearchSuggestionKind } from './search-suggestion.type';

/** Shorter prefixes match too much to suggest anything useful. */
export const PREFIX_MIN_LENGTH = 2;
/**
 * Products whose name is similar enough to the prefix that are ranked for it: the first
 * ones the trigram index finds. A prefix shared by thousands of names ("li") suggests some
 * of them, not necessarily the best sellers; the bound keeps every keystroke cheap.
 */
export const PRODUCT_CANDIDATES = 64;
/** A misspelt word is read as a vocabulary term from this trigram similarity on (as the search does). */
const MIN_TERM_SIMILARITY = 0.45;
/** Kinds in the order they come in when their matches are equally good. */
const KIND_ORDER = [SearchSuggestionKind.CATEGORY, SearchSuggestionKind.VENDOR, SearchSuggestionKind.PRODUCT];

/**
 * Completions as a shopper types, from the live tables in one statement: categories (not
 * archived), active vendors and products in the storefront whose name has a word starting
 * like the prefix or close to it (pg_trgm word similarity ≥ 0.6, the `%>` operator: "asist"
 * finds "Assistant"), or like the prefix with each misspelt word replaced by the nearest term
 * of the search vocabulary ("anlyst" → "analyst"). A name starting with the prefix scores 1,
 * others their best similarity.
 */
export class SearchSuggestionService {
  constructor(private readonly db: DataSource) {}

  async suggest(_context: RequestContext, rawPrefix: string, first: number): Promise<SearchSuggestion[]> {
    const check = new InputCheck();
    const prefix = check.singleLineText('prefix', rawPrefix, PREFIX_MAX_LENGTH).toLowerCase();
    if (!Number.isInteger(first) || first < 1 || first > SUGGESTIONS_MAX)
      check.add('first', `must be from 1 to ${SUGGESTIONS_MAX}`);
    check.done();
    if ([...prefix].length < PREFIX_MIN_LENGTH) return [];
    const words = prefix.match(/[\p{L}\p{N}]+/gu) ?? [];
    // $1 as typed; $3 with each misspelt word (one no vocabulary term starts with) replaced by its nearest term.
    const score = (column: string) =>
      `CASE WHEN starts_with(lower(${column}), $1) THEN 1
            ELSE greatest(word_similarity($1, lower(${column})), word_similarity((SELECT q FROM fixed), lower(${column}))) END`;
    const matches = (column: string) =>
      `(starts_with(lower(${column}), $1) OR lower(${column}) %> $1 OR lower(${column}) %> (SELECT q FROM fixed))`;
    const rows = await queryRows<{
      kind: SearchSuggestionKind;
      id: string;
      text: string;
      score: number;
      popularity: number;
    }>(
      this.db,
      `WITH fixed AS MATERIALIZED (
         SELECT string_agg(coalesce(near.term, w.word), ' ' ORDER BY w.position) AS q
         FROM unnest($3::text[]) WITH ORDINALITY AS w(word, position)
         LEFT JOIN LATERAL (
           SELECT t.term FROM search_terms t
           WHERE length(w.word) >= 4 AND t.term % w.word AND similarity(t.term, w.word) >= ${MIN_TERM_SIMILARITY}
             AND NOT EXISTS (SELECT 1 FROM search_terms known WHERE starts_with(known.term, w.word))
           ORDER BY similarity(t.term, w.word) DESC, t.term LIMIT 1
         ) near ON true
       )
       (SELECT 'CATEGORY' AS kind, c.id, c.name AS text, ${score('c.name')}::float8 AS score, 0 AS popularity
        FROM categories c WHERE c.archived_at IS NULL AND ${matches('c.name')}
        ORDER BY 4 DESC, c.name LIMIT $2)
       UNION ALL
       (SELECT 'VENDOR', v.id, v.display_name, ${score('v.display_name')}::float8, 0
        FROM storefront_vendors v WHERE v.status = 'ACTIVE' AND v.display_name IS NOT NULL AND ${matches('v.display_name')}
        ORDER BY 4 DESC, v.display_name LIMIT $2)
       UNION ALL
       (SELECT 'PRODUCT', c.id, c.name, ${score('c.name')}::float8, c.sales_count
        FROM (
          SELECT p.id, p.name, p.sales_count FROM products p
          WHERE p.status = 'PUBLISHED' AND (lower(p.name) %> $1 OR lower(p.name) %> (SELECT q FROM fixed))
            AND p.vendor_id NOT IN (SELECT sv.id FROM storefront_vendors sv WHERE sv.status <> 'ACTIVE')
          LIMIT ${PRODUCT_CANDIDATES}
        ) c
        ORDER BY 4 DESC, 5 DESC, c.name LIMIT $2 * 2)`,
      [prefix, first, words],
    );
    // Two products of one name (from two vendors) would read as a repeated line: the better seller stands for both.
    const seen = new Set<string>();
    return rows
      .sort(
        (a, b) =>
          b.score - a.score ||
          KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
          b.popularity - a.popularity ||
          a.text.localeCompare(b.text),
      )
      .filter((row) => {
        const key = `${row.kind}:${row.text.toLowerCase()}`;
        return !seen.has(key) && Boolean(seen.add(key));
      })
      .slice(0, first)
      .map(({ kind, id, text }) => Object.assign(new SearchSuggestion(), { kind, id, text }));
  }
}
