import { DATA_EXPORT_MAX_ROWS, dataExportPartHandler, queryRows, userErasedHandler } from '@marketplace/kit';

const LIMIT = DATA_EXPORT_MAX_ROWS + 1;

/**
 * The user's licenses, activations and downloads in a data export, and their erasure:
 * licenses stay (the order's accounting) with the owner pseudonymised; activations, which name
 * the user's machines (fingerprint, label), are deleted.
 */
export const licensePrivacyHandlers = () => [
  dataExportPartHandler('licensing', async (manager, userId) => ({
    licenses: await queryRows(
      manager,
      `SELECT id, order_id AS "orderId", product_id AS "productId", status, license_key AS "licenseKey",
              max_activations AS "maxActivations", issued_at AS "issuedAt", expires_at AS "expiresAt",
              revoked_at AS "revokedAt", revoke_reason AS "revokeReason"
         FROM licenses WHERE owner_id = $1 ORDER BY issued_at DESC, id DESC LIMIT $2`,
      [userId, LIMIT],
    ),
    activations: await queryRows(
      manager,
      `SELECT a.license_id AS "licenseId", a.fingerprint, a.label, a.created_at AS "createdAt"
         FROM activations a JOIN licenses l ON l.id = a.license_id
        WHERE l.owner_id = $1 ORDER BY a.created_at DESC LIMIT $2`,
      [userId, LIMIT],
    ),
    downloads: await queryRows(
      manager,
      `SELECT d.license_id AS "licenseId", d.at, d.version, d.bytes, d.range
         FROM downloads d JOIN licenses l ON l.id = d.license_id
        WHERE l.owner_id = $1 ORDER BY d.at DESC LIMIT $2`,
      [userId, LIMIT],
    ),
  })),
  userErasedHandler('licensing', async (manager, { userId, pseudonym }) => {
    const [, activations] = await manager.query<[unknown[], number]>(
      `DELETE FROM activations WHERE license_id IN (SELECT id FROM licenses WHERE owner_id = $1)`,
      [userId],
    );
    const [, licenses] = await manager.query<[unknown[], number]>(
      `UPDATE licenses SET owner_id = $2 WHERE owner_id = $1`,
      [userId, pseudonym],
    );
    return { activations, licenses };
  }),
];
