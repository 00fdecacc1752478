import {
  Outbox,
  RequestContext,
  badInput,
  conflict,
  forbidden,
  isUuid,
  notFound,
  requireViewer,
} from '@marketplace/kit';
import { generateRegistrationOptions, verifyRegistrationResponse } from '@simplewebauthn/server';
import type { DataSource } from 'typeorm';
import type { AccountEmails } from '../auth/account-emails';
import type { SessionService } from '../auth/session.service';
import type { AuthenticatorStore } from '../two-factor/authenticator.store';
import type { UserService } from '../user/user.service';
import type { PasskeyConfig } from './passkey.config';
import { PasskeyStore, StoredPasskey } from './passkey.store';
import { challengeOf, registrationResponse } from './webauthn-responses';
import { auditUser } from '../user/user-audit';

const NAME_MAX_CHARS = 64;

/**
 * Adding and removing the signed-in user's passkeys. A passkey is a second factor: the first
 * one turns two-factor on (with recovery codes, if the user had none), and every change ends
 * the user's other sessions, is audited and mailed, like turning TOTP on or off.
 */
export class PasskeyRegistrationService {
  constructor(
    private readonly db: DataSource,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly passkeys: PasskeyStore,
    private readonly factors: AuthenticatorStore,
    private readonly outbox: Outbox,
    private readonly emails: AccountEmails,
    private readonly config: PasskeyConfig,
  ) {}

  list(userId: string): Promise<StoredPasskey[]> {
    return this.passkeys.listOf(this.db.manager, userId);
  }

  /** The options for `navigator.credentials.create()`: a discoverable credential that verifies its user. */
  async start(context: RequestContext) {
    const viewer = requireViewer(context);
    return this.db.transaction(async (manager) => {
      const user = await this.users.lockForUpdate(manager, viewer.id);
      const existing = await this.passkeys.listOf(manager, user.id);
      if (existing.length >= this.config.maxPerUser) throw limitReached(this.config.maxPerUser);
      const options = await generateRegistrationOptions({
        rpName: this.config.rpName,
        rpID: this.config.rpId,
        userName: user.email,
        userDisplayName: user.displayName,
        // The user handle is the account's id: opaque, and stable across the user's passkeys.
        userID: new TextEncoder().encode(user.id),
        attestationType: 'none',
        excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        timeout: this.config.ceremonyTtlSeconds * 1000,
      });
      const expiresAt = new Date(Date.now() + this.config.ceremonyTtlSeconds * 1000);
      await this.passkeys.saveCeremony(
        manager,
        { challenge: options.challenge, purpose: 'REGISTRATION', userId: user.id, twoFactorChallengeHash: null },
        expiresAt,
      );
      return { options, expiresAt };
    });
  }

  /** Verifies the browser's answer and keeps the passkey; a fresh session for this device. */
  async complete(context: RequestContext, answer: Record<string, unknown>, name: string | undefined) {
    const viewer = requireViewer(context);
    const response = registrationResponse(answer, 'input.response');
    const label = nameOf(name);
    const ceremony = await this.passkeys.takeCeremony(this.db, challengeOf(response, 'input.response'), [
      'REGISTRATION',
    ]);
    if (!ceremony || ceremony.userId !== viewer.id) throw noOpenRegistration();
    const verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: ceremony.challenge,
      expectedOrigin: this.config.origins,
      expectedRPID: this.config.rpId,
      requireUserVerification: true,
    }).catch((error: Error) => {
      context.log.info({ reason: error.message }, 'passkey registration refused');
      return null;
    });
    if (!verification?.verified) throw notAccepted();
    const { credential, credentialDeviceType, credentialBackedUp, aaguid } = verification.registrationInfo;
    return this.db.transaction(async (manager) => {
      const user = await this.users.lockForUpdate(manager, viewer.id);
      if ((await this.passkeys.count(manager, user.id)) >= this.config.maxPerUser)
        throw limitReached(this.config.maxPerUser);
      const passkey = await this.passkeys.insert(manager, {
        userId: user.id,
        credentialId: credential.id,
        publicKey: credential.publicKey,
        signCount: credential.counter,
        transports: credential.transports ?? [],
        deviceType: credentialDeviceType,
        backedUp: credentialBackedUp,
        aaguid,
        name: label,
      });
      if (!passkey) throw conflict('This passkey is registered already', 'PASSKEY_ALREADY_REGISTERED');
      const firstFactor = !(await this.factors.hasRecoveryCodes(manager, user.id));
      const recoveryCodes = firstFactor ? await this.factors.replaceRecoveryCodes(manager, user.id) : null;
      await auditUser(manager, this.outbox, context, 'PASSKEY_ADDED', user.id, {
        after: { passkeyId: passkey.id, name: label },
      });
      await this.emails.twoFactorChanged(manager, user, { kind: 'PASSKEY_ADDED', passkeyName: label });
      return {
        ...(await this.sessions.restartAll(manager, user, context, { keepStanding: true })),
        passkey,
        recoveryCodes,
      };
    });
  }

  /**
   * Removes a passkey. It takes a session established with a second factor: a stolen
   * password-only token must not strip a factor away. The last second factor gone, two-factor
   * is off and the recovery codes go.
   */
  async remove(context: RequestContext, passkeyId: string) {
    const viewer = requireViewer(context);
    if (!isUuid(passkeyId)) throw badInput([{ field: 'input.passkeyId', message: 'is not a passkey id' }]);
    if (!viewer.secondFactor)
      throw forbidden(
        'Removing a passkey takes a session signed in with a second factor: sign in with a passkey or a code first',
        'SECOND_FACTOR_REQUIRED',
      );
    return this.db.transaction(async (manager) => {
      const user = await this.users.lockForUpdate(manager, viewer.id);
      const removed = await this.passkeys.delete(manager, user.id, passkeyId);
      if (!removed) throw notFound('Passkey');
      const twoFactorOn = await this.factors.settle(manager, user.id);
      await auditUser(manager, this.outbox, context, 'PASSKEY_REMOVED', user.id, { after: { passkeyId, twoFactorOn } });
      await this.emails.twoFactorChanged(manager, user, {
        kind: 'PASSKEY_REMOVED',
        passkeyName: removed.name,
        twoFactorOn,
      });
      return {
        ...(await this.sessions.restartAll(manager, user, context, { keepStanding: true })),
        deletedPasskeyId: passkeyId,
      };
    });
  }
}

function nameOf(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (trimmed.length > NAME_MAX_CHARS)
    throw badInput([{ field: 'input.name', message: `must be at most ${NAME_MAX_CHARS} characters` }]);
  return trimmed || 'Passkey';
}

function limitReached(max: number) {
  return conflict(`An account holds at most ${max} passkeys: remove one first`, 'PASSKEY_LIMIT_REACHED');
}

function noOpenRegistration() {
  return badInput([
    { field: 'input.response', message: 'answers no open registration of yours (expired or used): start again' },
  ]);
}

function notAccepted() {
  return badInput([
    { field: 'input.response', message: 'was not accepted (origin, relying party, challenge or signature)' },
  ]);
}
