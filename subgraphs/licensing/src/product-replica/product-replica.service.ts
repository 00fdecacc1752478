import { Events, LicensePolicy, PayloadOf, ProductState, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';

type ArtifactUploaded = PayloadOf<typeof Events.ProductArtifactUploaded>;

/** The product's current build as licensing serves it. */
export interface CurrentArtifact {
  productId: string;
  productName: string | null;
  version: string;
  storageKey: string;
  sha256: string;
  size: number;
  contentType: string;
}

/**
 * Licensing's replica of what it needs of catalog products: the license policy (from
 * product.published / product.updated, applied only when their revision is newer) and the
 * current artifact (from product.artifact_uploaded, the newest upload wins). Events may
 * arrive late, twice or out of order.
 */
export class ProductReplicaService {
  async applyState(manager: EntityManager, state: ProductState): Promise<boolean> {
    const rows = await queryRows(
      manager,
      `INSERT INTO products AS p (id, vendor_id, name, status, max_activations, revision) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET vendor_id = EXCLUDED.vendor_id, name = EXCLUDED.name, status = EXCLUDED.status,
         max_activations = EXCLUDED.max_activations, revision = EXCLUDED.revision, updated_at = now()
       WHERE EXCLUDED.revision > p.revision
       RETURNING id`,
      [
        state.productId,
        state.vendorId,
        state.name,
        state.status,
        state.maxActivations ?? LicensePolicy.defaultMaxActivations,
        state.revision,
      ],
    );
    return rows.length > 0;
  }

  async applyArtifact(manager: EntityManager, artifact: ArtifactUploaded, at: string): Promise<boolean> {
    const rows = await queryRows(
      manager,
      `INSERT INTO artifacts AS a (product_id, version, storage_key, sha256, size, content_type, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (product_id) DO UPDATE SET version = EXCLUDED.version, storage_key = EXCLUDED.storage_key, sha256 = EXCLUDED.sha256,
         size = EXCLUDED.size, content_type = EXCLUDED.content_type, uploaded_at = EXCLUDED.uploaded_at
       WHERE EXCLUDED.uploaded_at > a.uploaded_at
       RETURNING product_id`,
      [
        artifact.productId,
        artifact.version,
        artifact.storageKey,
        artifact.sha256,
        artifact.size,
        artifact.contentType,
        at,
      ],
    );
    return rows.length > 0;
  }

  /** The policy of each product, the default for products not known yet. */
  async maxActivationsOf(manager: EntityManager, productIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await queryRows<{ id: string; max: number }>(
      manager,
      `SELECT id, max_activations AS max FROM products WHERE id = ANY($1::uuid[])`,
      [productIds],
    );
    const known = new Map(rows.map((row) => [row.id, row.max]));
    return new Map(productIds.map((id) => [id, known.get(id) ?? LicensePolicy.defaultMaxActivations]));
  }

  async currentArtifact(db: DataSource | EntityManager, productId: string): Promise<CurrentArtifact | null> {
    const [row] = await queryRows<CurrentArtifact>(
      db,
      `SELECT a.product_id AS "productId", p.name AS "productName", a.version, a.storage_key AS "storageKey", a.sha256, a.size::float8 AS size, a.content_type AS "contentType"
       FROM artifacts a LEFT JOIN products p ON p.id = a.product_id WHERE a.product_id = $1`,
      [productId],
    );
    return row ?? null;
  }
}
