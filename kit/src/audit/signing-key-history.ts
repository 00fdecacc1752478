import { KeyObject, createHash, createPublicKey, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { queryRows } from '../data/sql';
import type { Outbox } from '../events/outbox';
import type { Logger } from '../logger';
import { recordAudit, systemOrigin } from './audit-trail';

/**
 * The table a subgraph that signs with a key keeps of the keys it has signed with; its own
 * migration creates it (migrations never import the kit's SQL, so this is the shape to copy):
 *
 *   CREATE TABLE signing_keys (
 *     purpose text NOT NULL, key_id text NOT NULL, first_used_at timestamptz NOT NULL DEFAULT now(),
 *     last_started_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (purpose, key_id))
 */
export const SIGNING_KEYS_TABLE = 'signing_keys';

/** First 16 hex characters of the SHA-256 of the public key (SPKI DER): the id a key is known by. */
export function signingKeyId(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export type SigningKeyChange = 'first' | 'unchanged' | 'rotated';

/**
 * Notes at start-up which key a subgraph signs `purpose` with. Keys are configured (an
 * environment variable, or a development key in DATA_DIR) and so are rotated by starting with
 * another one: when the key differs from the one the subgraph last started with, that is a
 * rotation, audited as KEY_ROTATED by the SYSTEM (target `SigningKey:<keyId>`, before and
 * after the key ids) in the transaction that notes it. The table lock makes replicas starting
 * together with the new key record the rotation once. The very first key is no rotation.
 */
export async function noteSigningKeyInUse(
  db: DataSource,
  outbox: Outbox,
  log: Logger,
  key: { purpose: string; keyId: string },
): Promise<SigningKeyChange> {
  const change = await db.transaction(async (manager): Promise<SigningKeyChange> => {
    await manager.query(`LOCK TABLE ${SIGNING_KEYS_TABLE} IN SHARE ROW EXCLUSIVE MODE`);
    const [latest] = await queryRows<{ key_id: string }>(
      manager,
      `SELECT key_id FROM ${SIGNING_KEYS_TABLE} WHERE purpose = $1 ORDER BY last_started_at DESC, key_id LIMIT 1`,
      [key.purpose],
    );
    await manager.query(
      `INSERT INTO ${SIGNING_KEYS_TABLE} (purpose, key_id) VALUES ($1, $2)
       ON CONFLICT (purpose, key_id) DO UPDATE SET last_started_at = now()`,
      [key.purpose, key.keyId],
    );
    if (!latest) return 'first';
    if (latest.key_id === key.keyId) return 'unchanged';
    await recordAudit(manager, outbox, systemOrigin(`startup-${randomUUID()}`), {
      action: 'KEY_ROTATED',
      targetType: 'SigningKey',
      targetId: key.keyId,
      before: { purpose: key.purpose, keyId: latest.key_id },
      after: { purpose: key.purpose, keyId: key.keyId },
    });
    return 'rotated';
  });
  log.info({ purpose: key.purpose, keyId: key.keyId, change }, 'signing key in use');
  return change;
}
