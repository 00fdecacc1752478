import {
  ConnectionShape,
  PageArgs,
  RequestContext,
  Role,
  decodeCursor,
  defineLoader,
  isCursorTime,
  isUuid,
  queryRows,
  toConnection,
} from '@marketplace/kit';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CacheCodec, StorefrontCache } from '../cache/storefront-cache';
import type { Product, ProductStatus } from './product.entity';
import { ProductFilter, ProductSort } from './product.inputs';
import { PRODUCT_CODEC } from './product.service';
import { PRODUCTS_WITH_VENDOR, PRODUCT_COLUMNS, ProductRow, toProduct } from './product.store';
import { ProductInputCheck } from './product.validation';

/** ts_rank_cd weights for D, C, B, A: a name hit (A) is worth ten description hits (C). */
const RANK_WEIGHTS = `'{0.05, 0.1, 0.4, 1.0}'`;
/** Query words checked for misspellings; the rest are matched as typed. */
const MAX_FUZZY_WORDS = 8;
/** A vocabulary term replaces a misspelled word from this trigram similarity on (asistant/assistant: 0.73, workfow/workflow: 0.55). */
const MIN_TERM_SIMILARITY = 0.45;

/**
 * The exact query (websearch syntax: "phrases", or, -exclusions; never a syntax error)
 * and the typo-tolerant one: every word ORed with up to three near spellings from the
 * vocabulary of names and tags when the word itself is not in it (trigram index).
 */
const TEXT_QUERY = `
  WITH words AS (
    SELECT word, position FROM unnest($2::text[]) WITH ORDINALITY AS w(word, position)
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
  ), queries AS MATERIALIZED (
    SELECT websearch_to_tsquery('english', $1) AS exact, (SELECT tsquery_all(query) FROM alternatives) AS fuzzy
  )
  SELECT CASE WHEN numnode(exact) > 0 THEN exact::text END AS exact,
         CASE WHEN numnode(fuzzy) > 0 AND fuzzy <> exact THEN fuzzy::text END AS fuzzy
  FROM queries`;

/** One listing page as cached: the rows of the page (one more than asked for, as loaded) and the total. */
type ListingPage = { rows: Ranked[]; total: number };
const LISTING_CODEC: CacheCodec<ListingPage> = {
  encode: (page) => page,
  decode: (raw: { total: number; rows: { rank: number }[] }) => ({
    total: raw.total,
    rows: raw.rows.map((row) => Object.assign(PRODUCT_CODEC.decode(row), { rank: row.rank })),
  }),
};

type Key = {
  column: string;
  type: 'float8' | 'timestamptz' | 'int' | 'numeric' | 'uuid' | 'text';
  valueOf: (row: Ranked) => string | number;
};
type Ranked = Product & { rank: number };
export type VendorPage = PageArgs & { vendorId: string; sort: ProductSort; status: ProductStatus[] | null };

const ID_KEY: Key = { column: 'id', type: 'uuid', valueOf: (row) => row.id };
/** Price sorts group by currency first: amounts of two currencies are never compared. */
const CURRENCY_KEY: Key = { column: '"priceCurrency"', type: 'text', valueOf: (row) => row.priceCurrency };
const PRICE_KEY: Key = { column: '"priceAmount"', type: 'int', valueOf: (row) => row.priceAmount };
/** Keyset orders: every sort ends with the id, so the order is total and a cursor resumes exactly. */
const ORDERS: Record<ProductSort, { direction: 'ASC' | 'DESC'; keys: Key[] }> = {
  RELEVANCE: { direction: 'DESC', keys: [{ column: 'rank', type: 'float8', valueOf: (row) => row.rank }, ID_KEY] },
  NEWEST: {
    direction: 'DESC',
    keys: [{ column: '"publishedAt"', type: 'timestamptz', valueOf: (row) => row.publishedAt!.toISOString() }, ID_KEY],
  },
  PRICE_ASC: { direction: 'ASC', keys: [CURRENCY_KEY, PRICE_KEY, ID_KEY] },
  PRICE_DESC: { direction: 'DESC', keys: [CURRENCY_KEY, PRICE_KEY, ID_KEY] },
  RATING: {
    direction: 'DESC',
    keys: [
      { column: 'rating', type: 'numeric', valueOf: (row) => row.rating },
      { column: '"reviewCount"', type: 'int', valueOf: (row) => row.reviewCount },
      ID_KEY,
    ],
  },
  BEST_SELLING: {
    direction: 'DESC',
    keys: [{ column: '"salesCount"', type: 'int', valueOf: (row) => row.salesCount }, ID_KEY],
  },
};

/** `Vendor.products` lists drafts too (no publication time): newest means most recently created; there is no search. */
const CREATED_ORDER = {
  direction: 'DESC' as const,
  keys: [
    { column: '"createdAt"', type: 'timestamptz' as const, valueOf: (row: Ranked) => row.createdAt.toISOString() },
    ID_KEY,
  ],
};
const VENDOR_ORDERS: Record<ProductSort, { direction: 'ASC' | 'DESC'; keys: Key[] }> = {
  ...ORDERS,
  RELEVANCE: CREATED_ORDER,
  NEWEST: CREATED_ORDER,
};

/** The storefront's product list: filters, full-text search with typo tolerance, sorts, keyset pages. */
export class ProductSearchService {
  /** With a cache, listing pages are shared by every viewer (the storefront shows everyone the same) until any product or vendor changes. */
  constructor(
    private readonly db: DataSource,
    private readonly cache?: StorefrontCache,
  ) {}

  async search(
    _context: RequestContext,
    filter: ProductFilter,
    requestedSort: ProductSort,
    page: PageArgs,
  ): Promise<ConnectionShape<Product>> {
    const check = new ProductInputCheck();
    const search = filter.search ? check.search('filter.search', filter.search) : '';
    const tags = filter.tags ? check.tags('filter.tags', filter.tags) : [];
    const currency = check.priceRange('filter', filter.minPrice, filter.maxPrice, filter.currency);
    if (filter.vendorId !== null && filter.vendorId !== undefined) check.id('filter.vendorId', filter.vendorId);
    check.done();
    const sort = requestedSort === ProductSort.RELEVANCE && !search ? ProductSort.NEWEST : requestedSort;
    const order = ORDERS[sort];
    const after = page.after
      ? decodeCursor(
          page.after,
          order.keys.length + 1,
          (values) => values[0] === sort && order.keys.every((key, i) => isKeyValue(key, values[i + 1])),
        )
      : null;
    const load = () => this.loadPage({ ...filter, search, tags, currency }, sort, page.first, after);
    const listing = this.cache?.enabled
      ? await this.cache.read(
          {
            name: `search:${createHash('sha256')
              .update(JSON.stringify([filter, search, tags, sort, page.first, page.after ?? null]))
              .digest('base64url')}`,
            listing: true,
          },
          LISTING_CODEC,
          load,
        )
      : await load();
    const { rows, total } = listing!;
    return toConnection(rows, page, total, (row) => [sort, ...order.keys.map((key) => key.valueOf(row))]);
  }

  /** The page and the total from the database. */
  private async loadPage(
    filter: ProductFilter & { search: string; tags: string[]; currency: string | null },
    sort: ProductSort,
    first: number,
    after: unknown[] | null,
  ): Promise<ListingPage> {
    const { search, tags } = filter;
    const order = ORDERS[sort];

    // Only products in the storefront: published, of a vendor that is not suspended.
    const where = [`p.status = 'PUBLISHED'`, `v.status = 'ACTIVE'`];
    const params: unknown[] = [];
    const param = (value: unknown, type: string) => `$${params.push(value)}::${type}`;
    if (filter.kind) where.push(`p.kind = ${param(filter.kind, 'text')}`);
    if (filter.currency) where.push(`p.price_currency = ${param(filter.currency, 'text')}`);
    if (filter.minPrice) where.push(`p.price_amount >= ${param(filter.minPrice.amount, 'int8')}`);
    if (filter.maxPrice) where.push(`p.price_amount <= ${param(filter.maxPrice.amount, 'int8')}`);
    if (tags.length > 0) where.push(`p.tags @> ${param(tags, 'text[]')}`);
    if (filter.vendorId) where.push(`p.vendor_id = ${param(filter.vendorId, 'uuid')}`);
    if (filter.categorySlug) {
      where.push(`p.category_id IN (
        WITH RECURSIVE tree AS (
          SELECT id FROM categories WHERE slug = ${param(filter.categorySlug.trim().toLowerCase(), 'text')}
          UNION ALL SELECT c.id FROM categories c JOIN tree ON c.parent_id = tree.id
        ) SELECT id FROM tree)`);
    }
    const query = search ? await this.textQuery(search) : null;
    if (query && !query.exact && !query.fuzzy) return { rows: [], total: 0 };
    const exact = query?.exact ? param(query.exact, 'tsquery') : null;
    const fuzzy = query?.fuzzy ? param(query.fuzzy, 'tsquery') : null;
    if (query)
      where.push(
        `(${[exact, fuzzy]
          .filter(Boolean)
          .map((q) => `p.search @@ ${q}`)
          .join(' OR ')})`,
      );
    // An exact hit counts double: the typo-tolerant query only adds what the exact one missed.
    const ranks = [
      exact ? `2 * ts_rank_cd(${RANK_WEIGHTS}, p.search, ${exact})` : null,
      fuzzy ? `ts_rank_cd(${RANK_WEIGHTS}, p.search, ${fuzzy})` : null,
    ].filter(Boolean);
    const rank = ranks.length ? `(${ranks.join(' + ')})::float8` : '0::float8';
    const filterSql = `FROM ${PRODUCTS_WITH_VENDOR} WHERE ${where.join(' AND ')}`;
    const columns = order.keys.map((key) => `s.${key.column}`).join(', ');
    const cursorSql = after
      ? `WHERE (${columns}) ${order.direction === 'DESC' ? '<' : '>'} (${order.keys.map((key, i) => param(after[i + 1], key.type)).join(', ')})`
      : '';
    const countSql = `SELECT count(*)::int AS total ${filterSql}`;
    const countParams = params.slice(0, countParamsOf(filterSql));
    // A text search reads every match anyway (to rank or sort them): count them in the same
    // pass instead of scanning them a second time. Without one, the page walks an index.
    const windowTotal = query ? ', count(*) OVER ()::int AS total' : '';
    const pageSql = `
      SELECT * FROM (SELECT ${PRODUCT_COLUMNS}, ${rank} AS rank${windowTotal} ${filterSql}) s
      ${cursorSql}
      ORDER BY ${order.keys.map((key) => `s.${key.column} ${order.direction}`).join(', ')}
      LIMIT ${param(first + 1, 'int')}`;
    if (query) {
      const rows = await queryRows<ProductRow & { rank: number; total: number }>(this.db, pageSql, params);
      const products = rows.map(({ total: _total, ...row }) => toProduct(row)) as Ranked[];
      // Past the last page no row carries the total.
      if (rows.length > 0 || !after) return { rows: products, total: rows[0]?.total ?? 0 };
      const [{ total }] = await queryRows<{ total: number }>(this.db, countSql, countParams);
      return { rows: products, total };
    }
    const [rows, [{ total }]] = await Promise.all([
      queryRows<ProductRow & { rank: number }>(this.db, pageSql, params),
      queryRows<{ total: number }>(this.db, countSql, countParams),
    ]);
    return { rows: rows.map(toProduct), total };
  }

  /**
   * `Vendor.products`: newest first; the storefront's products for the public, all of
   * them for the vendor's owner and admins. One SQL statement for every vendor asked
   * for with the same page arguments in one request tick.
   */
  private readonly vendorPageLoader = defineLoader<string, ConnectionShape<Product>>(async (keys, context) => {
    const pages = keys.map((key) => JSON.parse(key) as VendorPage);
    const groups = new Map<string, VendorPage[]>();
    for (const page of pages) {
      const group = JSON.stringify([page.first, page.after ?? null, page.sort, page.status]);
      groups.set(group, [...(groups.get(group) ?? []), page]);
    }
    const results = new Map<VendorPage, ConnectionShape<Product> | Error>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        try {
          const connections = await this.vendorPages(
            context,
            group.map((page) => page.vendorId),
            group[0],
          );
          group.forEach((page) =>
            results.set(page, connections.get(page.vendorId) ?? toConnection([], page, 0, () => [])),
          );
        } catch (error) {
          group.forEach((page) => results.set(page, error as Error));
        }
      }),
    );
    return pages.map((page) => results.get(page)!);
  });

  vendorProducts(context: RequestContext, page: VendorPage): Promise<ConnectionShape<Product>> {
    const status = page.status ? [...new Set(page.status)].sort() : null;
    return this.vendorPageLoader(context).load(
      JSON.stringify({
        vendorId: page.vendorId,
        first: page.first,
        after: page.after ?? null,
        sort: page.sort,
        status,
      } satisfies VendorPage),
    );
  }

  /**
   * One page of each vendor's products. The vendor's owner and admins see every status;
   * anyone else only the storefront's (published, vendor active). `status` narrows either.
   */
  private async vendorPages(
    context: RequestContext,
    vendorIds: string[],
    page: VendorPage,
  ): Promise<Map<string, ConnectionShape<Product>>> {
    const order = VENDOR_ORDERS[page.sort];
    const after = page.after
      ? decodeCursor(
          page.after,
          order.keys.length + 2,
          ([tag, sort, ...values]) =>
            tag === 'VENDOR' && sort === page.sort && order.keys.every((key, i) => isKeyValue(key, values[i])),
        ).slice(2)
      : null;
    const ids = [...new Set(vendorIds.filter(isUuid))];
    if (ids.length === 0) return new Map();
    const params: unknown[] = [ids, context.viewer?.role === Role.ADMIN, context.viewer?.id ?? null, page.status];
    const param = (value: unknown, type: string) => `$${params.push(value)}::${type}`;
    const columns = order.keys.map((key) => key.column).join(', ');
    const cursor = after
      ? `WHERE (${columns}) ${order.direction === 'DESC' ? '<' : '>'} (${order.keys.map((key, i) => param(after[i], key.type)).join(', ')})`
      : '';
    const orderBy = order.keys.map((key) => `${key.column} ${order.direction}`).join(', ');
    const rows = await queryRows<ProductRow & { total: number; pageVendorId: string }>(
      this.db,
      `WITH visible AS (
         SELECT ${PRODUCT_COLUMNS} FROM ${PRODUCTS_WITH_VENDOR}
         WHERE p.vendor_id = ANY($1::uuid[])
           AND ($2::boolean OR v.user_id = $3::uuid OR (p.status = 'PUBLISHED' AND v.status = 'ACTIVE'))
           AND ($4::text[] IS NULL OR p.status = ANY($4::text[]))
       ), totals AS (
         SELECT "vendorId", count(*)::int AS total FROM visible GROUP BY "vendorId"
       ), paged AS (
         SELECT *, row_number() OVER (PARTITION BY "vendorId" ORDER BY ${orderBy}) AS position
         FROM visible ${cursor}
       )
       SELECT t."vendorId" AS "pageVendorId", t.total, paged.*
       FROM totals t LEFT JOIN paged ON paged."vendorId" = t."vendorId" AND paged.position <= ${param(page.first + 1, 'int')}
       ORDER BY t."vendorId", paged.position`,
      params,
    );
    const byVendor = new Map<string, { total: number; products: Product[] }>();
    for (const row of rows) {
      const entry = byVendor.get(row.pageVendorId) ?? { total: row.total, products: [] };
      if (row.id) entry.products.push(toProduct(row));
      byVendor.set(row.pageVendorId, entry);
    }
    return new Map(
      [...byVendor].map(([vendorId, { total, products }]) => [
        vendorId,
        toConnection(products, page, total, (product) => [
          'VENDOR',
          page.sort,
          ...order.keys.map((key) => key.valueOf(product as Ranked)),
        ]),
      ]),
    );
  }

  /** The exact and the typo-tolerant tsquery of a search, as text; null when it has no searchable word. */
  async textQuery(search: string): Promise<{ exact: string | null; fuzzy: string | null }> {
    const words = usesOperators(search)
      ? []
      : [...new Set(search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].slice(0, MAX_FUZZY_WORDS);
    const [row] = await queryRows<{ exact: string | null; fuzzy: string | null }>(this.db, TEXT_QUERY, [search, words]);
    return row;
  }
}

/** The parameters a statement uses are the first N of the list: N is the highest $n it mentions. */
function countParamsOf(sql: string): number {
  return Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
}

/**
 * "Quoted phrases", `or` and -exclusions mean the user wrote a precise query: it runs
 * as written, without the typo-tolerant widening (which would ignore the operators).
 */
function usesOperators(search: string): boolean {
  return /"|(^|\s)-\S|(^|\s)or(\s|$)/i.test(search);
}

/** A forged cursor must fail as bad input, never as a database error. */
function isKeyValue(key: Key, value: string | number | undefined): boolean {
  switch (key.type) {
    case 'uuid':
      return isUuid(value);
    case 'timestamptz':
      return isCursorTime(value);
    case 'int':
      return Number.isSafeInteger(value) && Math.abs(value as number) <= 2_147_483_647;
    case 'numeric':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 5;
    case 'float8':
      return typeof value === 'number' && Number.isFinite(value);
    case 'text':
      return typeof value === 'string' && /^[A-Z]{3}$/.test(value);
  }
}
