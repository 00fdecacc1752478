import { createHash } from 'node:crypto';
import { queryRows } from '@marketplace/kit';
import type { AuthenticatorTransportFuture, CredentialDeviceType } from '@simplewebauthn/server';
import type { DataSource, EntityManager } from 'typeorm';

/** A stored passkey: what verifying its next assertion needs, and what its owner is shown. */
export interface StoredPasskey {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  signCount: number;
  transports: AuthenticatorTransportFuture[];
  deviceType: CredentialDeviceType;
  backedUp: boolean;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export type CeremonyPurpose = 'REGISTRATION' | 'SIGN_IN' | 'SECOND_FACTOR';

/** A registration or sign-in waiting for the browser's answer. */
export interface Ceremony {
  challenge: string;
  purpose: CeremonyPurpose;
  userId: string | null;
  twoFactorChallengeHash: string | null;
}

interface PasskeyRow {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: Buffer;
  sign_count: string;
  transports: string[];
  device_type: CredentialDeviceType;
  backed_up: boolean;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}

const COLUMNS = `id, user_id, credential_id, public_key, sign_count, transports, device_type, backed_up, name, created_at,
  last_used_at`;

/** Reads and changes the passkey tables inside the caller's transaction. */
export class PasskeyStore {
  async listOf(manager: EntityManager, userId: string): Promise<StoredPasskey[]> {
    const rows = await queryRows<PasskeyRow>(
      manager,
      `SELECT ${COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
    return rows.map(toPasskey);
  }

  async count(manager: EntityManager, userId: string): Promise<number> {
    const [row] = await queryRows<{ n: number }>(
      manager,
      `SELECT count(*)::int AS n FROM passkeys WHERE user_id = $1`,
      [userId],
    );
    return row.n;
  }

  /** The passkey with this credential id, row-locked: its counter is checked and moved one assertion at a time. */
  async lockByCredential(manager: EntityManager, credentialId: string): Promise<StoredPasskey | null> {
    const [row] = await queryRows<PasskeyRow>(
      manager,
      `SELECT ${COLUMNS} FROM passkeys WHERE credential_id = $1 FOR UPDATE`,
      [credentialId],
    );
    return row ? toPasskey(row) : null;
  }

  /** Answers false when the credential is registered already (to this or another account). */
  async insert(
    manager: EntityManager,
    passkey: Omit<StoredPasskey, 'id' | 'createdAt' | 'lastUsedAt'> & { aaguid: string },
  ): Promise<StoredPasskey | null> {
    const [row] = await queryRows<PasskeyRow>(
      manager,
      `INSERT INTO passkeys (user_id, credential_id, public_key, sign_count, transports, device_type, backed_up, aaguid,
         name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (credential_id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        passkey.userId,
        passkey.credentialId,
        Buffer.from(passkey.publicKey),
        passkey.signCount,
        passkey.transports,
        passkey.deviceType,
        passkey.backedUp,
        passkey.aaguid,
        passkey.name,
      ],
    );
    return row ? toPasskey(row) : null;
  }

  async recordUse(manager: EntityManager, id: string, signCount: number, backedUp: boolean): Promise<void> {
    await manager.query(`UPDATE passkeys SET sign_count = $2, backed_up = $3, last_used_at = now() WHERE id = $1`, [
      id,
      signCount,
      backedUp,
    ]);
  }

  async delete(manager: EntityManager, userId: string, id: string): Promise<StoredPasskey | null> {
    const [row] = await queryRows<PasskeyRow>(
      manager,
      `DELETE FROM passkeys WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
      [id, userId],
    );
    return row ? toPasskey(row) : null;
  }

  /** Remembers a ceremony's challenge (hashed) until `expiresAt`, clearing expired ones on the way. */
  async saveCeremony(manager: EntityManager, ceremony: Ceremony, expiresAt: Date): Promise<void> {
    await manager.query(`DELETE FROM webauthn_ceremonies WHERE expires_at < now()`);
    await manager.query(
      `INSERT INTO webauthn_ceremonies (challenge_hash, purpose, user_id, two_factor_challenge_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        hashChallenge(ceremony.challenge),
        ceremony.purpose,
        ceremony.userId,
        ceremony.twoFactorChallengeHash,
        expiresAt,
      ],
    );
  }

  /**
   * Takes a ceremony once, in its own statement when given the DataSource: whatever follows (a
   * refused answer rolls its transaction back), the challenge is never accepted again.
   */
  async takeCeremony(
    manager: EntityManager | DataSource,
    challenge: string,
    purposes: CeremonyPurpose[],
  ): Promise<Ceremony | null> {
    const [row] = await queryRows<{
      purpose: CeremonyPurpose;
      user_id: string | null;
      two_factor_challenge_hash: string | null;
    }>(
      manager,
      `DELETE FROM webauthn_ceremonies WHERE challenge_hash = $1 AND purpose = ANY($2) AND expires_at > now()
       RETURNING purpose, user_id, two_factor_challenge_hash`,
      [hashChallenge(challenge), purposes],
    );
    if (!row) return null;
    return {
      challenge,
      purpose: row.purpose,
      userId: row.user_id,
      twoFactorChallengeHash: row.two_factor_challenge_hash,
    };
  }

  /** Everything of the user's passkeys goes (erasure). */
  async removeAll(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`DELETE FROM webauthn_ceremonies WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM passkeys WHERE user_id = $1`, [userId]);
  }
}

function hashChallenge(challenge: string): string {
  return createHash('sha256').update(challenge).digest('hex');
}

function toPasskey(row: PasskeyRow): StoredPasskey {
  return {
    id: row.id,
    userId: row.user_id,
    credentialId: row.credential_id,
    publicKey: new Uint8Array(row.public_key),
    signCount: Number(row.sign_count),
    transports: row.transports as AuthenticatorTransportFuture[],
    deviceType: row.device_type,
    backedUp: row.backed_up,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
