import { queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import { isTotpCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes';
import type { SecretBox } from './secret-box';
import { Totp } from './totp';
import { TwoFactorMethod } from './two-factor.payloads';

/** A user's TOTP authenticator row, its secret opened. */
export interface Authenticator {
  userId: string;
  secret: string;
  enabled: boolean;
  lastTimeStep: number | null;
}

/** The method a code proved, for the session's `amr` (RFC 8176: a recovery code is a one-time password too). */
export const SECOND_FACTOR_METHODS = ['pwd', 'otp', 'mfa'] as const;

/**
 * Reads and changes the two-factor tables inside the caller's transaction. Two-factor is on
 * while the user has a confirmed TOTP authenticator or a passkey; the recovery codes belong
 * to two-factor as a whole and live exactly as long as it is on.
 */
export class AuthenticatorStore {
  constructor(private readonly box: SecretBox) {}

  /** The user's authenticator, row-locked: codes for one user are checked one at a time (no replay by racing). */
  async lock(manager: EntityManager, userId: string): Promise<Authenticator | null> {
    const [row] = await queryRows<{ secret_sealed: string; enabled_at: Date | null; last_time_step: string | null }>(
      manager,
      `SELECT secret_sealed, enabled_at, last_time_step FROM user_totp WHERE user_id = $1 FOR UPDATE`,
      [userId],
    );
    if (!row) return null;
    return {
      userId,
      secret: this.box.open(row.secret_sealed, userId),
      enabled: row.enabled_at !== null,
      lastTimeStep: row.last_time_step === null ? null : Number(row.last_time_step),
    };
  }

  /** Replaces an unconfirmed authenticator; never a confirmed one (the caller checked, and the WHERE holds it). */
  async savePending(manager: EntityManager, userId: string, secret: string): Promise<void> {
    await manager.query(
      `INSERT INTO user_totp (user_id, secret_sealed) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, last_time_step = NULL,
         created_at = now()
       WHERE user_totp.enabled_at IS NULL`,
      [userId, this.box.seal(secret, userId)],
    );
  }

  async enable(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE user_totp SET enabled_at = now() WHERE user_id = $1`, [userId]);
  }

  /**
   * Removes the TOTP authenticator; when no passkey remains either, two-factor is off and its
   * recovery codes and pending challenges go too. Answers whether two-factor is still on.
   */
  async removeTotp(manager: EntityManager, userId: string): Promise<boolean> {
    await manager.query(`DELETE FROM user_totp WHERE user_id = $1`, [userId]);
    return this.settle(manager, userId);
  }

  /** After a second factor went: clears what two-factor held once none remains. Answers whether it is still on. */
  async settle(manager: EntityManager, userId: string): Promise<boolean> {
    if (await this.isEnabled(manager, userId)) return true;
    await manager.query(`DELETE FROM two_factor_challenges WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM two_factor_recovery_codes WHERE user_id = $1`, [userId]);
    return false;
  }

  /**
   * Whether `code` is a TOTP code of `totp` of a step after the last accepted one (which it
   * then becomes) or, when `recoveryCodes` allows, an unused recovery code of the user (which
   * it uses up). Answers the method it matched, or null.
   */
  async accept(
    manager: EntityManager,
    userId: string,
    totp: Authenticator | null,
    code: string,
    { recoveryCodes }: { recoveryCodes: boolean },
  ): Promise<TwoFactorMethod | null> {
    if (isTotpCode(code)) {
      if (!totp) return null;
      const step = Totp.acceptedStep(totp.secret, code, totp.lastTimeStep);
      if (step === null) return null;
      await manager.query(`UPDATE user_totp SET last_time_step = $2 WHERE user_id = $1`, [userId, step]);
      totp.lastTimeStep = step;
      return TwoFactorMethod.TOTP;
    }
    if (!recoveryCodes) return null;
    const used = await queryRows(
      manager,
      `UPDATE two_factor_recovery_codes SET used_at = now()
        WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING user_id`,
      [userId, this.box.hashRecoveryCode(normalizeRecoveryCode(code))],
    );
    return used.length > 0 ? TwoFactorMethod.RECOVERY_CODE : null;
  }

  /** Ten new recovery codes in place of any earlier ones; the plain codes are returned once and never stored. */
  async replaceRecoveryCodes(manager: EntityManager, userId: string): Promise<string[]> {
    const codes = newRecoveryCodes();
    await manager.query(`DELETE FROM two_factor_recovery_codes WHERE user_id = $1`, [userId]);
    await manager.query(`INSERT INTO two_factor_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])`, [
      userId,
      codes.map((code) => this.box.hashRecoveryCode(normalizeRecoveryCode(code))),
    ]);
    return codes;
  }

  /** The methods a challenge for this user can be completed with. */
  async methods(manager: EntityManager, userId: string): Promise<TwoFactorMethod[]> {
    const [row] = await queryRows<{ totp: boolean; passkey: boolean; remaining: number }>(
      manager,
      `SELECT EXISTS (SELECT 1 FROM user_totp WHERE user_id = $1 AND enabled_at IS NOT NULL) AS totp,
              EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1) AS passkey,
              (SELECT count(*)::int FROM two_factor_recovery_codes WHERE user_id = $1 AND used_at IS NULL) AS remaining`,
      [userId],
    );
    return [
      ...(row.totp ? [TwoFactorMethod.TOTP] : []),
      ...(row.passkey ? [TwoFactorMethod.PASSKEY] : []),
      ...(row.remaining > 0 ? [TwoFactorMethod.RECOVERY_CODE] : []),
    ];
  }

  /** Whether signing in with the password takes a second factor: a confirmed TOTP authenticator or a passkey. */
  async isEnabled(manager: EntityManager, userId: string): Promise<boolean> {
    const rows = await queryRows(
      manager,
      `SELECT 1 WHERE EXISTS (SELECT 1 FROM user_totp WHERE user_id = $1 AND enabled_at IS NOT NULL)
                   OR EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1)`,
      [userId],
    );
    return rows.length > 0;
  }

  async hasRecoveryCodes(manager: EntityManager, userId: string): Promise<boolean> {
    const rows = await queryRows(manager, `SELECT 1 FROM two_factor_recovery_codes WHERE user_id = $1 LIMIT 1`, [
      userId,
    ]);
    return rows.length > 0;
  }
}
