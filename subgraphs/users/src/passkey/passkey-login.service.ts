import { RequestContext, badInput, queryRows, unauthenticated } from '@marketplace/kit';
import {
  AuthenticationResponseJSON,
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
} from '@simplewebauthn/server';
import type { DataSource, EntityManager } from 'typeorm';
import type { Session } from '../auth/auth.payloads';
import { refuseIfSuspended } from '../auth/auth.service';
import { SessionService, clientOf } from '../auth/session.service';
import { TwoFactorChallenges, invalidChallenge } from '../two-factor/two-factor-challenges';
import type { UserService } from '../user/user.service';
import type { PasskeyConfig } from './passkey.config';
import { Ceremony, PasskeyStore } from './passkey.store';
import { authenticationResponse, challengeOf } from './webauthn-responses';

/**
 * A passkey alone: the key's proof of possession (`hwk`) from an authenticator that verified its
 * user (PIN or biometrics), two factors in one gesture (RFC 8176 `mfa`).
 */
export const PASSKEY_METHODS = ['hwk', 'mfa'] as const;

/**
 * Signing in with a passkey: alone (a discoverable credential, its user verified by the
 * authenticator), or as the second step of a password sign-in, completing the two-factor
 * challenge `login` answered (then with the same attempt limits and throttle as a code).
 */
export class PasskeyLoginService {
  constructor(
    private readonly db: DataSource,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly passkeys: PasskeyStore,
    private readonly challenges: TwoFactorChallenges,
    private readonly config: PasskeyConfig,
  ) {}

  /** The options for `navigator.credentials.get()`. */
  async start(twoFactorChallenge: string | undefined) {
    const expiresAt = new Date(Date.now() + this.config.ceremonyTtlSeconds * 1000);
    const timeout = this.config.ceremonyTtlSeconds * 1000;
    if (twoFactorChallenge === undefined) {
      // No account named: the authenticator offers the user's passkeys for this site.
      const options = await generateAuthenticationOptions({
        rpID: this.config.rpId,
        userVerification: 'required',
        timeout,
      });
      await this.passkeys.saveCeremony(
        this.db.manager,
        { challenge: options.challenge, purpose: 'SIGN_IN', userId: null, twoFactorChallengeHash: null },
        expiresAt,
      );
      return { options, expiresAt };
    }
    const pending = await this.challenges.pending(twoFactorChallenge);
    if (!pending) throw invalidChallenge('input.twoFactorChallenge');
    const mine = await this.passkeys.listOf(this.db.manager, pending.userId);
    if (mine.length === 0)
      throw badInput([{ field: 'input.twoFactorChallenge', message: 'is for an account with no passkey: use a code' }]);
    const options = await generateAuthenticationOptions({
      rpID: this.config.rpId,
      // The password was the knowledge factor; possession of the key is the second.
      userVerification: 'preferred',
      allowCredentials: mine.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
      timeout,
    });
    await this.passkeys.saveCeremony(
      this.db.manager,
      {
        challenge: options.challenge,
        purpose: 'SECOND_FACTOR',
        userId: pending.userId,
        twoFactorChallengeHash: pending.hash,
      },
      expiresAt,
    );
    return { options, expiresAt };
  }

  async complete(context: RequestContext, answer: Record<string, unknown>): Promise<Session> {
    const response = authenticationResponse(answer, 'input.response');
    const ceremony = await this.passkeys.takeCeremony(this.db, challengeOf(response, 'input.response'), [
      'SIGN_IN',
      'SECOND_FACTOR',
    ]);
    if (!ceremony) throw noOpenSignIn();
    if (ceremony.twoFactorChallengeHash) {
      const prove = async (manager: EntityManager, userId: string) =>
        (await this.verify(manager, context, ceremony, response, userId)) ? 'hwk' : null;
      return this.challenges.complete(context, ceremony.twoFactorChallengeHash, prove, {
        wrongProof: notAccepted,
        // The challenge was named when the ceremony started; the answer is what this call sends.
        challengeField: 'input.response',
      });
    }
    // Read unlocked first: every change of a user's passkeys locks the user before the passkey, and so must this.
    const owner = await this.ownerOf(response.id);
    if (!owner) throw unauthenticated('Passkey not accepted');
    const session = await this.db.transaction(async (manager) => {
      const user = await this.users.lockForUpdate(manager, owner);
      if (!(await this.verify(manager, context, ceremony, response, user.id))) return null;
      refuseIfSuspended(user);
      return this.sessions.start(manager, user, { ...clientOf(context), methods: PASSKEY_METHODS });
    });
    if (!session) throw unauthenticated('Passkey not accepted');
    return session;
  }

  /**
   * Whether the answer is a valid assertion by one of `userId`'s passkeys for the ceremony's
   * challenge; moves the passkey's counter when it is. The passkey is row-locked, so two
   * answers racing for one counter value cannot both pass (a cloned authenticator's tell).
   */
  private async verify(
    manager: EntityManager,
    context: RequestContext,
    ceremony: Ceremony,
    response: AuthenticationResponseJSON,
    userId: string,
  ): Promise<boolean> {
    const passkey = await this.passkeys.lockByCredential(manager, response.id);
    if (!passkey || passkey.userId !== userId) return false;
    const handle = response.response.userHandle;
    if (handle && Buffer.from(handle, 'base64url').toString('utf8') !== userId) return false;
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: ceremony.challenge,
      expectedOrigin: this.config.origins,
      expectedRPID: this.config.rpId,
      credential: { id: passkey.credentialId, publicKey: passkey.publicKey, counter: passkey.signCount },
      requireUserVerification: ceremony.purpose === 'SIGN_IN',
    }).catch((error: Error) => {
      context.log.info({ reason: error.message, passkeyId: passkey.id }, 'passkey assertion refused');
      return null;
    });
    if (!verification?.verified) return false;
    const { newCounter, credentialBackedUp } = verification.authenticationInfo;
    await this.passkeys.recordUse(manager, passkey.id, newCounter, credentialBackedUp);
    return true;
  }

  private async ownerOf(credentialId: string): Promise<string | null> {
    const [row] = await queryRows<{ user_id: string }>(
      this.db,
      `SELECT user_id FROM passkeys WHERE credential_id = $1`,
      [credentialId],
    );
    return row?.user_id ?? null;
  }
}

function noOpenSignIn() {
  return badInput([
    { field: 'input.response', message: 'answers no open passkey sign-in (expired or used): start again' },
  ]);
}

function notAccepted() {
  return badInput([{ field: 'input.response', message: 'was not accepted by any of your passkeys' }]);
}
