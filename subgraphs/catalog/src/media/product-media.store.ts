import { MediaVariant, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { ProductMedia, ProductMediaKind } from './product-media.type';

const COLUMNS = `id, product_id AS "productId", kind, alt, width, height, position, created_at AS "createdAt",
  original_file AS "originalFile", variants`;

export interface NewProductMedia {
  id: string;
  productId: string;
  uploadId: string;
  kind: ProductMediaKind;
  format: string;
  originalFile: string;
  width: number;
  height: number;
  size: number;
  variants: MediaVariant[];
}

/** The SQL of product_media; callers hold the product's row lock for every write. */
export class ProductMediaStore {
  constructor(private readonly db: DataSource) {}

  /** The media of many products, in gallery order: one statement. */
  async ofProducts(productIds: readonly string[]): Promise<ProductMedia[]> {
    if (productIds.length === 0) return [];
    const rows = await queryRows<ProductMedia>(
      this.db,
      `SELECT ${COLUMNS} FROM product_media WHERE product_id = ANY($1::uuid[]) ORDER BY product_id, position`,
      [productIds],
    );
    return rows.map((row) => ProductMedia.of(row));
  }

  async find(manager: EntityManager | DataSource, id: string): Promise<ProductMedia | null> {
    const [row] = await queryRows<ProductMedia>(manager, `SELECT ${COLUMNS} FROM product_media WHERE id = $1`, [id]);
    return row ? ProductMedia.of(row) : null;
  }

  async exists(id: string): Promise<boolean> {
    return (await queryRows(this.db, `SELECT 1 FROM product_media WHERE id = $1`, [id])).length > 0;
  }

  /** How many images the product has, whether one is its cover, and whether `uploadId` was used. */
  async tally(
    manager: EntityManager | DataSource,
    productId: string,
    uploadId: string | null,
  ): Promise<{ count: number; hasCover: boolean; uploadUsed: boolean }> {
    const [row] = await queryRows<{ count: number; hasCover: boolean; uploadUsed: boolean }>(
      manager,
      `SELECT count(*) FILTER (WHERE product_id = $1)::int AS count,
              coalesce(bool_or(kind = 'COVER') FILTER (WHERE product_id = $1), false) AS "hasCover",
              coalesce(bool_or(upload_id = $2), false) AS "uploadUsed"
         FROM product_media WHERE product_id = $1 OR upload_id = $2`,
      [productId, uploadId],
    );
    return row;
  }

  /** Appends the image at the end of the product's gallery. */
  async insert(manager: EntityManager, media: NewProductMedia): Promise<ProductMedia> {
    const [row] = await queryRows<ProductMedia>(
      manager,
      `INSERT INTO product_media (id, product_id, upload_id, kind, position, format, original_file, width, height, size, variants)
       VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position), 0) + 1 FROM product_media WHERE product_id = $2), $5, $6, $7, $8, $9, $10)
       RETURNING ${COLUMNS}`,
      [
        media.id,
        media.productId,
        media.uploadId,
        media.kind,
        media.format,
        media.originalFile,
        media.width,
        media.height,
        media.size,
        JSON.stringify(media.variants),
      ],
    );
    return ProductMedia.of(row);
  }

  async setAlt(manager: EntityManager, id: string, alt: string | null): Promise<ProductMedia> {
    const [row] = await queryRows<ProductMedia>(
      manager,
      `UPDATE product_media SET alt = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, alt],
    );
    return ProductMedia.of(row);
  }

  /** Moves one image to `position`; those between its old and new place shift by one (positions stay 1..n). */
  async move(manager: EntityManager, media: ProductMedia, position: number): Promise<ProductMedia> {
    await manager.query(
      `UPDATE product_media SET position = CASE
          WHEN id = $2 THEN $3::int
          WHEN $3::int < $4::int THEN position + 1
          ELSE position - 1 END
        WHERE product_id = $1 AND position BETWEEN least($3::int, $4::int) AND greatest($3::int, $4::int)`,
      [media.productId, media.id, position, media.position],
    );
    return (await this.find(manager, media.id))!;
  }

  /** Deletes the image and closes the gap behind it. */
  async delete(manager: EntityManager, media: ProductMedia): Promise<void> {
    await manager.query(`DELETE FROM product_media WHERE id = $1`, [media.id]);
    await manager.query(`UPDATE product_media SET position = position - 1 WHERE product_id = $1 AND position > $2`, [
      media.productId,
      media.position,
    ]);
  }
}
