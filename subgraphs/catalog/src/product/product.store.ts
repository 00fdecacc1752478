import { conflict, isUniqueViolation, notFound, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { Product, ProductKind, ProductStatus } from './product.entity';

/** A product's columns under the names of its properties, with its vendor's replica state. */
export const PRODUCT_COLUMNS = `
  p.id, p.vendor_id AS "vendorId", p.category_id AS "categoryId", p.slug, p.name, p.description, p.kind,
  p.price_amount AS "priceAmount", p.price_currency AS "priceCurrency", p.tags, p.requirements, p.compatibility, p.status,
  p.rejection_reason AS "rejectionReason", p.revision, p.rating, p.review_count AS "reviewCount",
  p.sales_count AS "salesCount", p.max_activations AS "maxActivations", p.created_at AS "createdAt", p.updated_at AS "updatedAt",
  p.published_at AS "publishedAt", p.submitted_at AS "submittedAt", p.artifact_version AS "artifactVersion", p.artifact_sha256 AS "artifactSha256",
  p.artifact_size::float8 AS "artifactSize", p.artifact_uploaded_at AS "artifactUploadedAt", v.user_id AS "vendorUserId", v.status AS "vendorStatus"`;

/** `storefront_vendors`: the replica with a suspended owner's vendor read as SUSPENDED (see account-suspension). */
export const PRODUCTS_WITH_VENDOR = `products p JOIN storefront_vendors v ON v.id = p.vendor_id`;

export type ProductRow = Omit<Product, 'rating' | 'price' | 'averageRating' | 'artifact'> & {
  rating: string | number;
};

export function toProduct<T extends ProductRow>(row: T): Product & Omit<T, keyof ProductRow> {
  return Object.assign(new Product(), row, { rating: Number(row.rating) });
}

export interface NewProduct {
  vendorId: string;
  categoryId: string;
  slug: string;
  name: string;
  description: string | null;
  kind: ProductKind;
  priceAmount: number;
  priceCurrency: string;
  tags: string[];
  maxActivations: number;
  requirements: string[];
  compatibility: string[];
}

/** The SQL of products: reads with the vendor replica joined, row locks, writes. */
export class ProductStore {
  constructor(
    private readonly db: DataSource,
    /** Told of every write of a product's state, inside its transaction (cache invalidation after commit). */
    private readonly onSaved: (manager: EntityManager, productId: string) => void = () => undefined,
  ) {}

  /** Many products in one statement, in no particular order. */
  async findByIds(ids: readonly string[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    const rows = await queryRows<ProductRow>(
      this.db,
      `SELECT ${PRODUCT_COLUMNS} FROM ${PRODUCTS_WITH_VENDOR} WHERE p.id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(toProduct);
  }

  async findBySlug(slug: string): Promise<Product | null> {
    const [row] = await queryRows<ProductRow>(
      this.db,
      `SELECT ${PRODUCT_COLUMNS} FROM ${PRODUCTS_WITH_VENDOR} WHERE p.slug = $1`,
      [slug],
    );
    return row ? toProduct(row) : null;
  }

  /**
   * The product row locked until the transaction ends, so concurrent transitions of one
   * product apply one after the other (the vendor row is not locked).
   */
  async lock(manager: EntityManager, id: string): Promise<Product> {
    const [row] = await queryRows<ProductRow>(
      manager,
      `SELECT ${PRODUCT_COLUMNS} FROM ${PRODUCTS_WITH_VENDOR} WHERE p.id = $1 FOR UPDATE OF p`,
      [id],
    );
    if (!row) throw notFound('Product');
    return toProduct(row);
  }

  async insert(manager: EntityManager, product: NewProduct): Promise<Product> {
    const [{ id }] = await this.unique(() =>
      queryRows<{ id: string }>(
        manager,
        `INSERT INTO products (vendor_id, category_id, slug, name, description, kind, price_amount, price_currency, tags, max_activations, requirements, compatibility)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
        [
          product.vendorId,
          product.categoryId,
          product.slug,
          product.name,
          product.description,
          product.kind,
          product.priceAmount,
          product.priceCurrency,
          product.tags,
          product.maxActivations,
          product.requirements,
          product.compatibility,
        ],
      ),
    );
    return this.lock(manager, id);
  }

  /**
   * Writes a locked product's editable state and status back, one revision later.
   * `published` stamps the first publication time; `submitted` the time it (re-)entered review.
   */
  async save(
    manager: EntityManager,
    product: Product,
    options: { published?: boolean; submitted?: boolean } = {},
  ): Promise<Product> {
    const [row] = await this.unique(() =>
      queryRows<{ revision: number; updatedAt: Date; publishedAt: Date | null; submittedAt: Date | null }>(
        manager,
        `UPDATE products SET
           slug = $2, name = $3, description = $4, kind = $5, price_amount = $6, price_currency = $7, category_id = $8,
           tags = $9, status = $10, rejection_reason = $11, max_activations = $13, revision = revision + 1, updated_at = now(),
           published_at = CASE WHEN $12::boolean THEN coalesce(published_at, date_trunc('milliseconds', now())) ELSE published_at END,
           submitted_at = CASE WHEN $14::boolean THEN date_trunc('milliseconds', now()) ELSE submitted_at END,
           requirements = $15, compatibility = $16
         WHERE id = $1
         RETURNING revision, updated_at AS "updatedAt", published_at AS "publishedAt", submitted_at AS "submittedAt"`,
        [
          product.id,
          product.slug,
          product.name,
          product.description,
          product.kind,
          product.priceAmount,
          product.priceCurrency,
          product.categoryId,
          product.tags,
          product.status,
          product.rejectionReason,
          options.published ?? false,
          product.maxActivations,
          options.submitted ?? false,
          product.requirements,
          product.compatibility,
        ],
      ),
    );
    this.onSaved(manager, product.id);
    return Object.assign(product, row);
  }

  /** Turns the slug's unique constraint into a CONFLICT on the name it came from. */
  private async unique<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'products_slug_key'))
        throw conflict('A product with this name already exists', 'NAME_TAKEN', [
          { field: 'input.name', message: 'is taken by another product' },
        ]);
      throw error;
    }
  }
}

export const EDITABLE_STATUSES: readonly ProductStatus[] = [
  ProductStatus.DRAFT,
  ProductStatus.IN_REVIEW,
  ProductStatus.REJECTED,
  ProductStatus.PUBLISHED,
];
