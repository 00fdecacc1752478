import { ProductState, queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';

/** A product as the orders subgraph knows it: what it needs to sell it. */
export interface ReplicaProduct {
  id: string;
  vendorId: string;
  name: string | null;
  priceAmount: number | null;
  priceCurrency: string | null;
  categoryId: string | null;
  status: string;
  revision: number;
}

/** A product's state as the catalog announced it, and when the catalog made the change (the event's occurredAt). */
export type ProductStateChange = ProductState & { at: string };

const COLUMNS = `id, vendor_id AS "vendorId", name, price_amount AS "priceAmount", price_currency AS "priceCurrency", category_id AS "categoryId", status, revision`;

/**
 * The orders subgraph's replica of catalog products, applied idempotently in any arrival order.
 *
 * State events (published/updated) carry a `revision`: one applies only when newer than the
 * revision held. product.archived carries no revision, so it is ordered by time instead: it
 * applies when it happened no earlier than the state held, and afterwards a state event
 * must be both a newer revision and later than the archive to bring the product back (a
 * republish), so a late, older state never resurrects an archived product.
 */
export class ProductReplicaService {
  async applyState(manager: EntityManager, change: ProductStateChange): Promise<boolean> {
    const rows = await queryRows(
      manager,
      `INSERT INTO products AS p (id, vendor_id, slug, name, kind, price_amount, price_currency, status, revision, changed_at, category_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO UPDATE SET
         vendor_id = EXCLUDED.vendor_id, slug = EXCLUDED.slug, name = EXCLUDED.name, kind = EXCLUDED.kind,
         price_amount = EXCLUDED.price_amount, price_currency = EXCLUDED.price_currency, status = EXCLUDED.status,
         revision = EXCLUDED.revision, changed_at = EXCLUDED.changed_at, category_id = EXCLUDED.category_id,
         updated_at = now()
       WHERE EXCLUDED.revision > p.revision AND (p.status <> 'ARCHIVED' OR EXCLUDED.changed_at >= p.changed_at)
       RETURNING id`,
      [
        change.productId,
        change.vendorId,
        change.slug,
        change.name,
        change.kind,
        change.price.amount,
        change.price.currency,
        change.status,
        change.revision,
        change.at,
        // Absent from producers before issue 23: the product then targets no category until its next state.
        change.categoryId ?? null,
      ],
    );
    return rows.length > 0;
  }

  async archive(manager: EntityManager, change: { productId: string; vendorId: string; at: string }): Promise<boolean> {
    const rows = await queryRows(
      manager,
      `INSERT INTO products AS p (id, vendor_id, status, revision, changed_at)
       VALUES ($1, $2, 'ARCHIVED', 0, $3)
       ON CONFLICT (id) DO UPDATE SET status = 'ARCHIVED', changed_at = EXCLUDED.changed_at, updated_at = now()
       WHERE EXCLUDED.changed_at >= p.changed_at
       RETURNING id`,
      [change.productId, change.vendorId, change.at],
    );
    return rows.length > 0;
  }

  /** One product; `share` holds it (FOR SHARE) until the transaction ends, so it cannot change meanwhile. */
  async find(manager: DataSource | EntityManager, productId: string, share = false): Promise<ReplicaProduct | null> {
    const [row] = await queryRows<ReplicaProduct>(
      manager,
      `SELECT ${COLUMNS} FROM products WHERE id = $1${share ? ' FOR SHARE' : ''}`,
      [productId],
    );
    return row ?? null;
  }
}
