import { queryRows } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { Activation, LICENSE_COLUMNS, License, toLicense } from './license.type';

type Db = DataSource | EntityManager;

/**
 * The SQL of licenses. The key is stored as issued (and its SHA-256 indexed for lookups):
 * it is a bearer credential the marketplace signed, which the owner must be able to read
 * again at any time ("show my key"). Re-deriving it from the payload would also work
 * (Ed25519 signatures are deterministic) but only while the signing key never rotates;
 * storing it keeps every issued key readable after a rotation. Lookups go through the
 * digest so the plain key never has to be an index entry or appear in a WHERE clause log.
 */
export class LicenseStore {
  async byIds(db: Db, ids: readonly string[]): Promise<License[]> {
    if (ids.length === 0) return [];
    return (await queryRows(db, `SELECT ${LICENSE_COLUMNS} FROM licenses l WHERE l.id = ANY($1::uuid[])`, [ids])).map(
      toLicense,
    );
  }

  /** Licenses of these orders, oldest first per order. */
  async byOrderIds(db: Db, orderIds: readonly string[]): Promise<License[]> {
    if (orderIds.length === 0) return [];
    const rows = await queryRows(
      db,
      `SELECT ${LICENSE_COLUMNS} FROM licenses l WHERE l.order_id = ANY($1::uuid[]) ORDER BY l.issued_at, l.id`,
      [orderIds],
    );
    return rows.map(toLicense);
  }

  /** Per product, one license of `ownerId`: an ACTIVE (and unexpired) one first, else the most recently issued. */
  async preferredOfOwner(db: Db, ownerId: string, productIds: readonly string[]): Promise<License[]> {
    if (productIds.length === 0) return [];
    const rows = await queryRows(
      db,
      `SELECT DISTINCT ON (l.product_id) ${LICENSE_COLUMNS} FROM licenses l
       WHERE l.owner_id = $1 AND l.product_id = ANY($2::uuid[])
       ORDER BY l.product_id, (l.status = 'ACTIVE' AND (l.expires_at IS NULL OR l.expires_at > now())) DESC,
         l.issued_at DESC, l.id DESC`,
      [ownerId, productIds],
    );
    return rows.map(toLicense);
  }

  /** The license of a key (by its digest); `lock` holds the row (FOR UPDATE) until the transaction ends. */
  async byDigest(db: Db, digest: string, lock = false): Promise<License | null> {
    const [row] = await queryRows(
      db,
      `SELECT ${LICENSE_COLUMNS} FROM licenses l WHERE l.key_sha256 = $1${lock ? ' FOR UPDATE' : ''}`,
      [digest],
    );
    return row ? toLicense(row) : null;
  }

  async activationsOf(db: Db, licenseIds: readonly string[]): Promise<Map<string, Activation[]>> {
    const groups = new Map<string, Activation[]>();
    if (licenseIds.length === 0) return groups;
    const rows = await queryRows<Activation & { licenseId: string }>(
      db,
      `SELECT license_id AS "licenseId", fingerprint, NULLIF(label, '') AS label, created_at AS "createdAt" FROM activations WHERE license_id = ANY($1::uuid[]) ORDER BY created_at, fingerprint`,
      [licenseIds],
    );
    for (const { licenseId, ...activation } of rows)
      groups.set(licenseId, [...(groups.get(licenseId) ?? []), Object.assign(new Activation(), activation)]);
    return groups;
  }
}
