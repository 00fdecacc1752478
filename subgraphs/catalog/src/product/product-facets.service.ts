import { Money, RequestContext, queryRows } from '@marketplace/kit';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CacheCodec, StorefrontCache } from '../cache/storefront-cache';
import type { ProductKind } from './product.entity';
import { CheckedFilter, FacetName, Params, storefrontConditions, textQueryCtes } from './product-search.sql';
import { FACET_TOP, FacetCounts, ProductFacets } from './product-facets.type';

/** Price band edges in minor units, the same for every currency (all of them have cents): 5, 10, 25, 50, 100, 250. */
export const PRICE_BAND_EDGES = [500, 1000, 2500, 5000, 10000, 25000];
/** The rating bands: at least 4, 3, 2, 1 stars. */
const RATING_FLOORS = [4, 3, 2, 1];

const FACETS_CODEC: CacheCodec<FacetCounts> = { encode: (counts) => counts, decode: (raw) => raw as FacetCounts };

/**
 * The facets of a storefront list, in one statement: the products matching every condition
 * no facet owns (storefront, search, tags, currency) are read once into a CTE with one
 * boolean per facet filter; each facet then counts the rows that pass every other facet's
 * filter (not its own). Cached with the listing pages.
 */
export class ProductFacetsService {
  constructor(
    private readonly db: DataSource,
    private readonly cache?: StorefrontCache,
  ) {}

  async facets(_context: RequestContext, filter: CheckedFilter): Promise<ProductFacets> {
    const load = () => this.count(filter);
    const counts = this.cache?.enabled
      ? await this.cache.read(
          {
            name: `facets:${createHash('sha256').update(JSON.stringify(filter)).digest('base64url')}`,
            listing: true,
          },
          FACETS_CODEC,
          load,
        )
      : await load();
    return toFacets(counts!);
  }

  private async count(filter: CheckedFilter): Promise<FacetCounts> {
    const params = new Params();
    const ctes = filter.search ? `${textQueryCtes(filter.search, params)},` : '';
    const { common, facets } = storefrontConditions(filter, params);
    const flag = (name: FacetName) => `(${facets[name].join(' AND ') || 'true'}) AS f_${name}`;
    const names: FacetName[] = ['category', 'kind', 'price', 'rating', 'vendor'];
    const others = (name: FacetName) =>
      names
        .filter((other) => other !== name && facets[other].length > 0)
        .map((other) => `f_${other}`)
        .join(' AND ') || 'true';
    const rows = await queryRows<{ facet: FacetName; key: string; currency: string | null; n: number }>(
      this.db,
      `WITH ${ctes} base AS MATERIALIZED (
         SELECT p.category_id, p.kind, p.price_currency, p.price_amount, p.rating, p.review_count, p.vendor_id,
                ${names.map(flag).join(', ')}
         FROM products p WHERE ${common.join(' AND ')}
       )
       (SELECT 'category' AS facet, category_id::text AS key, NULL AS currency, count(*)::int AS n
        FROM base WHERE ${others('category')} GROUP BY category_id ORDER BY n DESC, key LIMIT ${FACET_TOP})
       UNION ALL
       (SELECT 'kind', kind, NULL, count(*)::int FROM base WHERE ${others('kind')} GROUP BY kind)
       UNION ALL
       (SELECT 'price', width_bucket(price_amount, ${params.param(PRICE_BAND_EDGES, 'int[]')})::text, price_currency, count(*)::int
        FROM base WHERE ${others('price')} GROUP BY 2, 3)
       UNION ALL
       (SELECT 'rating', floor::text, NULL, count(*) FILTER (WHERE review_count > 0 AND rating >= floor)::int
        FROM base CROSS JOIN unnest(${params.param(RATING_FLOORS, 'int[]')}) AS floor
        WHERE ${others('rating')} GROUP BY floor)
       UNION ALL
       (SELECT 'vendor', vendor_id::text, NULL, count(*)::int
        FROM base WHERE ${others('vendor')} GROUP BY vendor_id ORDER BY 4 DESC, 2 LIMIT ${FACET_TOP})`,
      params.values,
    );
    const of = (facet: FacetName) => rows.filter((row) => row.facet === facet);
    const byCount = <T extends { productCount: number }>(a: T, b: T) => b.productCount - a.productCount;
    return {
      categories: of('category').map((row) => ({ categoryId: row.key, productCount: row.n })),
      kinds: of('kind')
        .map((row) => ({ kind: row.key as ProductKind, productCount: row.n }))
        .sort((a, b) => byCount(a, b) || a.kind.localeCompare(b.kind)),
      priceBands: of('price')
        .map((row) => {
          const band = Number(row.key);
          return {
            currency: row.currency!,
            min: band === 0 ? 0 : PRICE_BAND_EDGES[band - 1],
            max: PRICE_BAND_EDGES[band] ?? null,
            productCount: row.n,
          };
        })
        .sort((a, b) => a.currency.localeCompare(b.currency) || a.min - b.min),
      ratingBands: RATING_FLOORS.map((floor) => ({
        minRating: floor,
        productCount: of('rating').find((row) => Number(row.key) === floor)?.n ?? 0,
      })),
      vendors: of('vendor').map((row) => ({ vendorId: row.key, productCount: row.n })),
    };
  }
}

function toFacets(counts: FacetCounts): ProductFacets {
  return {
    ...counts,
    priceBands: counts.priceBands.map((band) => ({
      min: Money.of(band.min, band.currency),
      max: band.max === null ? null : Money.of(band.max, band.currency),
      productCount: band.productCount,
    })),
  };
}
