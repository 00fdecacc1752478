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
import {
  CheckedFilter,
  FILTER_OF_CONNECTION,
  Params,
  RANK_SQL,
  allConditions,
  checkProductFilter,
  vendorFilter,
  storefrontConditions,
  textQueryCtes,
} from './product-search.sql';
import { PRODUCT_CODEC } from './product.service';
import { PRODUCTS_WITH_VENDOR, PRODUCT_COLUMNS, ProductRow, toProduct } from './product.store';

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
    const checked = checkProductFilter(filter);
    const { search } = checked;
    const sort = requestedSort === ProductSort.RELEVANCE && !search ? ProductSort.NEWEST : requestedSort;
    const order = ORDERS[sort];
    const after = page.after
      ? decodeCursor(
          page.after,
          order.keys.length + 1,
          (values) => values[0] === sort && order.keys.every((key, i) => isKeyValue(key, values[i + 1])),
        )
      : null;
    const load = () => this.loadPage(checked, sort, page.first, after);
    const listing = this.cache?.enabled
      ? await this.cache.read(
          {
            name: `search:${createHash('sha256')
              .update(JSON.stringify([checked, sort, page.first, page.after ?? null]))
              .digest('base64url')}`,
            listing: true,
          },
          LISTING_CODEC,
          load,
        )
      : await load();
    const { rows, total } = listing!;
    const connection = toConnection(rows, page, total, (row) => [sort, ...order.keys.map((key) => key.valueOf(row))]);
    // For `ProductConnection.facets`, resolved only when selected.
    return Object.defineProperty(connection, FILTER_OF_CONNECTION, { value: checked, enumerable: false });
  }

  /**
   * The page and the total from the database. A text search is one statement: its tsquery
   * (with the typo-tolerant widening) is built in it, the matches are read once through the
   * GIN index into a CTE that carries only the sort keys and the rank, the page is cut from
   * that, and only the page's rows are read whole. Without a search, the page walks the
   * sort's index and the count runs beside it.
   */
  private async loadPage(
    filter: CheckedFilter,
    sort: ProductSort,
    first: number,
    after: unknown[] | null,
  ): Promise<ListingPage> {
    const order = ORDERS[sort];
    const params = new Params();
    const ctes = filter.search ? `WITH ${textQueryCtes(filter.search, params)}` : '';
    const where = allConditions(storefrontConditions(filter, params));
    const columns = order.keys.map((key) => `s.${key.column}`).join(', ');
    const cursorSql = after
      ? `WHERE (${columns}) ${order.direction === 'DESC' ? '<' : '>'} (${order.keys.map((key, i) => params.param(after[i + 1], key.type)).join(', ')})`
      : '';
    const orderBy = (alias: string) => order.keys.map((key) => `${alias}.${key.column} ${order.direction}`).join(', ');
    const limit = params.param(first + 1, 'int');
    if (filter.search) {
      const rows = await queryRows<ProductRow & { rank: number; total: number; id: string | null }>(
        this.db,
        `${ctes}, matches AS MATERIALIZED (
           SELECT p.id, p.published_at AS "publishedAt", p.price_currency AS "priceCurrency", p.price_amount AS "priceAmount",
                  p.rating, p.review_count AS "reviewCount", p.sales_count AS "salesCount", ${RANK_SQL} AS rank
           FROM products p WHERE ${where}
         ), page AS (
           SELECT s.id, s.rank FROM matches s ${cursorSql} ORDER BY ${orderBy('s')} LIMIT ${limit}
         )
         SELECT t.total, page.rank, ${PRODUCT_COLUMNS}
         FROM (SELECT count(*)::int AS total FROM matches) t
         LEFT JOIN (page JOIN ${PRODUCTS_WITH_VENDOR} ON p.id = page.id) ON true
         ORDER BY ${order.keys.map((key) => `${key.column} ${order.direction}`).join(', ')}`,
        params.values,
      );
      const total = rows[0]?.total ?? 0;
      const products = rows
        .filter((row) => row.id !== null)
        .map(({ total: _total, ...row }) => toProduct(row)) as Ranked[];
      return { rows: products, total };
    }
    const filterSql = `FROM ${PRODUCTS_WITH_VENDOR} WHERE ${where}`;
    const pageSql = `
      SELECT * FROM (SELECT ${PRODUCT_COLUMNS}, 0::float8 AS rank ${filterSql}) s
      ${cursorSql}
      ORDER BY ${orderBy('s')}
      LIMIT ${limit}`;
    // The conditions name only the product: the count needs no vendor row (an index-only scan).
    const countSql = `SELECT count(*)::int AS total FROM products p WHERE ${where}`;
    const countParams = params.values.slice(0, countParamsOf(where));
    const [rows, [{ total }]] = await Promise.all([
      queryRows<ProductRow & { rank: number }>(this.db, pageSql, params.values),
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
            results.set(
              page,
              connections.get(page.vendorId) ??
                Object.defineProperty(
                  toConnection([], page, 0, () => []),
                  FILTER_OF_CONNECTION,
                  {
                    value: vendorFilter(page.vendorId),
                    enumerable: false,
                  },
                ),
            ),
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
        // Facets of a vendor's list count its storefront products, whoever reads it.
        Object.defineProperty(
          toConnection(products, page, total, (product) => [
            'VENDOR',
            page.sort,
            ...order.keys.map((key) => key.valueOf(product as Ranked)),
          ]),
          FILTER_OF_CONNECTION,
          { value: vendorFilter(vendorId), enumerable: false },
        ),
      ]),
    );
  }
}

/** The parameters a statement uses are the first N of the list: N is the highest $n it mentions. */
function countParamsOf(sql: string): number {
  return Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
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
