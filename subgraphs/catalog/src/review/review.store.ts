import { queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { Review } from './review.type';

const COLUMNS = `r.id, r.product_id AS "productId", r.author_id AS "ownerId", r.rating, r.body, r.created_at AS "createdAt", r.updated_at AS "updatedAt"`;

export interface ReviewPage {
  total: number;
  /** Up to `first + 1` reviews, newest first (the extra one says whether a next page exists). */
  reviews: Review[];
}

/** The SQL of reviews and of the rating they give their product. */
export class ReviewStore {
  constructor(private readonly db: DataSource) {}

  async find(manager: EntityManager, id: string, lock = false): Promise<Review | null> {
    const [row] = await queryRows<Review>(
      manager,
      `SELECT ${COLUMNS} FROM reviews r WHERE r.id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return row ?? null;
  }

  /** The new review, or null when the author already reviewed the product. */
  async insert(
    manager: EntityManager,
    review: Pick<Review, 'productId' | 'ownerId' | 'rating' | 'body'>,
  ): Promise<Review | null> {
    const [row] = await queryRows<Review>(
      manager,
      `INSERT INTO reviews AS r (product_id, author_id, rating, body) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT reviews_product_author_key DO NOTHING
       RETURNING ${COLUMNS}`,
      [review.productId, review.ownerId, review.rating, review.body],
    );
    return row ?? null;
  }

  async update(manager: EntityManager, id: string, changes: { rating: number; body: string | null }): Promise<Review> {
    const [row] = await queryRows<Review>(
      manager,
      `UPDATE reviews r SET rating = $2, body = $3, updated_at = now() WHERE r.id = $1 RETURNING ${COLUMNS}`,
      [id, changes.rating, changes.body],
    );
    return row;
  }

  /** Many reviews by id, in one statement, in no particular order. */
  async findByIds(ids: readonly string[]): Promise<Review[]> {
    if (ids.length === 0) return [];
    return queryRows<Review>(this.db, `SELECT ${COLUMNS} FROM reviews r WHERE r.id = ANY($1::uuid[])`, [ids]);
  }

  /** One owner's reviews of many products (at most one each), in one statement. */
  async ofOwner(ownerId: string, productIds: readonly string[]): Promise<Review[]> {
    if (productIds.length === 0) return [];
    return queryRows<Review>(
      this.db,
      `SELECT ${COLUMNS} FROM reviews r WHERE r.author_id = $1 AND r.product_id = ANY($2::uuid[])`,
      [ownerId, productIds],
    );
  }

  async delete(manager: EntityManager, id: string): Promise<boolean> {
    return (await queryRows(manager, `DELETE FROM reviews WHERE id = $1 RETURNING id`, [id])).length > 0;
  }

  /**
   * Recomputes the product's average (one decimal) and count from its reviews. Callers
   * hold the product's row lock, so concurrent reviews of one product apply in turn.
   */
  async refreshAggregate(manager: EntityManager, productId: string): Promise<{ rating: number; reviewCount: number }> {
    const [row] = await queryRows<{ rating: string; reviewCount: number }>(
      manager,
      `UPDATE products p SET rating = s.rating, review_count = s.count
       FROM (SELECT coalesce(round(avg(rating), 1), 0) AS rating, count(*)::int AS count FROM reviews WHERE product_id = $1) s
       WHERE p.id = $1
       RETURNING p.rating, p.review_count AS "reviewCount"`,
      [productId],
    );
    return { rating: Number(row.rating), reviewCount: row.reviewCount };
  }

  /** A page of reviews of each product, newest first, after one cursor: one statement for them all. */
  async pages(
    productIds: string[],
    first: number,
    after: { time: string; id: string } | null,
  ): Promise<Map<string, ReviewPage>> {
    const rows = await queryRows<Review & { total: number; pageProductId: string }>(
      this.db,
      `SELECT k.id AS "pageProductId", t.total, page.*
       FROM unnest($1::uuid[]) AS k(id)
       CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM reviews WHERE product_id = k.id) t
       LEFT JOIN LATERAL (
         SELECT ${COLUMNS} FROM reviews r
         WHERE r.product_id = k.id AND ($2::timestamptz IS NULL OR (r.created_at, r.id) < ($2::timestamptz, $3::uuid))
         ORDER BY r.created_at DESC, r.id DESC
         LIMIT $4
       ) page ON true
       ORDER BY k.id, page."createdAt" DESC, page.id DESC`,
      [productIds, after?.time ?? null, after?.id ?? null, first + 1],
    );
    const pages = new Map<string, ReviewPage>();
    for (const { pageProductId, total, ...review } of rows) {
      const page = pages.get(pageProductId) ?? { total, reviews: [] };
      if (review.id) page.reviews.push(review);
      pages.set(pageProductId, page);
    }
    return pages;
  }
}
