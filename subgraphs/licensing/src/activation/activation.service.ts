import {
  RateLimiter,
  RequestContext,
  conflict,
  forbidden,
  isSelfOrAdmin,
  notFound,
  queryRows,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { keyDigest, verifyLicenseKey } from '../key/license-key';
import type { LicenseSigningKey } from '../key/signing-key';
import type { LicenseStore } from '../license/license.store';
import { Activation, License, LicenseStatus, inactiveReason } from '../license/license.type';
import { LicenseValidation, LicenseValidationCode } from './activation.type';
import { ActivationInputCheck } from './activation.validation';

/**
 * Activations (machines a license runs on) and validation. The license row is locked for
 * every change of its activations, so the limit holds under any concurrency: with 3 slots,
 * 20 parallel activations of new machines give exactly 3.
 */
export class ActivationService {
  constructor(
    private readonly db: DataSource,
    private readonly store: LicenseStore,
    private readonly signingKey: LicenseSigningKey,
    /** Per client IP: validation is public, so it must not become a free key oracle. */
    private readonly validateLimiter: RateLimiter,
  ) {}

  /**
   * Public. The signature and format are checked first, without the database, so forged
   * keys cost nothing; then the license's status, expiry and this machine's activation.
   */
  async validate(
    context: RequestContext,
    { licenseKey: rawKey, fingerprint: rawFingerprint }: { licenseKey: string; fingerprint: string },
  ): Promise<LicenseValidation> {
    await this.validateLimiter.consume(context.clientIp);
    const check = new ActivationInputCheck();
    const fingerprint = check.fingerprint('fingerprint', rawFingerprint);
    check.done();
    if (!this.verified(rawKey)) return result(LicenseValidationCode.INVALID_SIGNATURE, null);
    const license = await this.store.byDigest(this.db, keyDigest(rawKey));
    if (!license) return result(LicenseValidationCode.NOT_FOUND, null);
    const mine = isSelfOrAdmin(context.viewer, license.ownerId);
    const shown = (code: LicenseValidationCode) =>
      result(code, code === LicenseValidationCode.VALID || mine ? license : null);
    if (license.status === LicenseStatus.REVOKED) return shown(LicenseValidationCode.REVOKED);
    if (license.status === LicenseStatus.SUSPENDED) return shown(LicenseValidationCode.SUSPENDED);
    if (license.status === LicenseStatus.EXPIRED) return shown(LicenseValidationCode.EXPIRED);
    const [{ activated, count }] = await queryRows<{ activated: boolean; count: number }>(
      this.db,
      `SELECT bool_or(fingerprint = $2) IS TRUE AS activated, count(*)::int AS count FROM activations WHERE license_id = $1`,
      [license.id, fingerprint],
    );
    if (activated) return shown(LicenseValidationCode.VALID);
    return shown(
      count >= license.maxActivations
        ? LicenseValidationCode.TOO_MANY_ACTIVATIONS
        : LicenseValidationCode.NOT_ACTIVATED,
    );
  }

  /** The owner activates the license on a machine; the same machine again changes nothing (its first label stays). */
  async activate(
    context: RequestContext,
    input: { licenseKey: string; fingerprint: string; label?: string | null },
  ): Promise<{ license: License; activation: Activation }> {
    const check = new ActivationInputCheck();
    const key = check.key('input.licenseKey', input.licenseKey);
    const fingerprint = check.fingerprint('input.fingerprint', input.fingerprint);
    const label = check.label('input.label', input.label);
    check.done();
    return this.db.transaction(async (manager) => {
      const license = await this.ownLicense(context, manager, key, 'activate');
      if (license.status !== LicenseStatus.ACTIVE) {
        throw conflict(
          `This license is ${license.status} and can no longer be activated`,
          inactiveReason(license.status),
        );
      }
      const activations = (await this.store.activationsOf(manager, [license.id])).get(license.id) ?? [];
      const existing = activations.find((activation) => activation.fingerprint === fingerprint);
      if (existing) return { license, activation: existing };
      if (activations.length >= license.maxActivations) {
        throw conflict(
          `This license is already activated on ${activations.length} of ${license.maxActivations} machines; deactivate one first`,
          'TOO_MANY_ACTIVATIONS',
        );
      }
      const [row] = await queryRows<Activation>(
        manager,
        `INSERT INTO activations (license_id, fingerprint, label) VALUES ($1, $2, $3)
         RETURNING fingerprint, label, created_at AS "createdAt"`,
        [license.id, fingerprint, label],
      );
      context.log.info({ licenseId: license.id, activations: activations.length + 1 }, 'license activated');
      return { license, activation: Object.assign(new Activation(), row) };
    });
  }

  /** The owner frees a machine's slot; a machine that was not activated changes nothing. */
  async deactivate(context: RequestContext, input: { licenseKey: string; fingerprint: string }): Promise<License> {
    const check = new ActivationInputCheck();
    const key = check.key('input.licenseKey', input.licenseKey);
    const fingerprint = check.fingerprint('input.fingerprint', input.fingerprint);
    check.done();
    return this.db.transaction(async (manager) => {
      const license = await this.ownLicense(context, manager, key, 'deactivate');
      const removed = await queryRows(
        manager,
        `DELETE FROM activations WHERE license_id = $1 AND fingerprint = $2 RETURNING fingerprint`,
        [license.id, fingerprint],
      );
      if (removed.length > 0) context.log.info({ licenseId: license.id }, 'license deactivated');
      return license;
    });
  }

  /**
   * The key's license, locked, when the signed-in viewer owns it. The key is a secret, but a
   * customer trying someone else's key gets a clear FORBIDDEN rather than a silent failure.
   */
  private async ownLicense(
    context: RequestContext,
    manager: EntityManager,
    key: string,
    action: string,
  ): Promise<License> {
    const viewer = requireViewer(context);
    if (!this.verified(key)) {
      const check = new ActivationInputCheck();
      check.add('input.licenseKey', 'is not a license key of this marketplace (invalid signature)');
      check.done();
    }
    const license = await this.store.byDigest(manager, keyDigest(key), true);
    if (!license) throw notFound('License');
    if (license.ownerId !== viewer.id)
      throw forbidden(`This license key belongs to another customer; only its owner can ${action} it`);
    return license;
  }

  /** A well-formed key signed by the current signing key. */
  private verified(key: string): boolean {
    const payload = verifyLicenseKey(key, this.signingKey.publicKey);
    return payload !== null && payload.kid === this.signingKey.keyId;
  }
}

function result(code: LicenseValidationCode, license: License | null): LicenseValidation {
  return Object.assign(new LicenseValidation(), { valid: code === LicenseValidationCode.VALID, code, license });
}
