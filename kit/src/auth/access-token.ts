import { KeyObject, createPublicKey, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { unauthenticated } from '../errors';
import { Role, Viewer } from '../contracts/roles';
import type { SessionVersions } from './session-versions';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ALGORITHM = 'RS256';

interface TokenSettings {
  issuer: string;
  audience: string;
}

/** Verified tokens remembered per verifier; a client sends the same token with every request until it expires. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/** The claim naming the user's session version the token was issued at (see SessionVersions). */
export const SESSION_VERSION_CLAIM = 'sv';

interface VerifiedToken {
  viewer: Viewer;
  sessionVersion: number;
  expiresAtMs: number;
}

/**
 * Verifies access tokens with the public key; every subgraph and the gateway hold one.
 * A token's signature and claims are a pure function of its bytes, so a verified one is
 * remembered until it expires: each hop of a federated request (gateway, then every
 * subgraph it calls) and each later request of the same session skip the RSA check.
 * Failures are never cached. Whether the token's session still stands is not in its
 * bytes: `fromAuthorizationHeader` asks `sessions` on every call (see SessionVersions).
 */
export class AccessTokenVerifier {
  private readonly settings: TokenSettings;
  /** Parsed once: jsonwebtoken would parse a PEM string again on every call. */
  private readonly publicKey: KeyObject;
  /** Token → viewer, session version and expiry (ms), oldest first (Map keeps insertion order). */
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(
    publicKeyPem: string,
    { issuer, audience }: TokenSettings,
    /** Absent only where no request is served (unit tests of the token itself). */
    private readonly sessions?: SessionVersions,
  ) {
    this.settings = { issuer, audience };
    this.publicKey = createPublicKey(publicKeyPem);
  }

  /** Signature, issuer, audience, expiry and claims; not the session (see `fromAuthorizationHeader`). */
  verify(token: string): Viewer {
    return this.verifyToken(token).viewer;
  }

  private verifyToken(token: string): VerifiedToken {
    const known = this.verified.get(token);
    if (known && known.expiresAtMs > Date.now()) return known;
    if (known) this.verified.delete(token);
    let claims: jwt.JwtPayload;
    try {
      // Pinning the algorithm rejects `alg: none` and HS256-with-the-public-key forgeries.
      claims = jwt.verify(token, this.publicKey, { algorithms: [ALGORITHM], ...this.settings }) as jwt.JwtPayload;
    } catch (error) {
      const reason = error instanceof jwt.TokenExpiredError ? 'Access token expired' : 'Invalid access token';
      throw unauthenticated(reason);
    }
    const role = claims.role as Role;
    const sessionVersion = claims[SESSION_VERSION_CLAIM] as unknown;
    // jsonwebtoken checks `exp` only when present: a token without one would never expire.
    if (
      typeof claims.sub !== 'string' ||
      !Object.values(Role).includes(role) ||
      typeof claims.exp !== 'number' ||
      !Number.isSafeInteger(sessionVersion)
    )
      throw unauthenticated('Invalid access token');
    const verified = {
      viewer: { id: claims.sub, role },
      sessionVersion: sessionVersion as number,
      expiresAtMs: claims.exp * 1000,
    };
    if (this.verified.size >= VERIFIED_TOKEN_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, verified);
    return verified;
  }

  /**
   * `Authorization: Bearer <token>`; no header means an anonymous viewer, a bad token or
   * an ended or unknown session is an UNAUTHENTICATED error.
   */
  async fromAuthorizationHeader(header: string | undefined): Promise<Viewer | null> {
    return (await this.sessionFromAuthorizationHeader(header))?.viewer ?? null;
  }

  /** `fromAuthorizationHeader`, also answering the token's session version (for `sessionEnded` later). */
  async sessionFromAuthorizationHeader(
    header: string | undefined,
  ): Promise<{ viewer: Viewer; sessionVersion: number } | null> {
    if (!header) return null;
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
    if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
    const { viewer, sessionVersion } = this.verifyToken(match[1]);
    await this.sessions?.check(viewer.id, sessionVersion);
    return { viewer, sessionVersion };
  }

  /** Whether a session verified earlier was ended since (logout, password or role change, suspension). */
  async sessionEnded(userId: string, sessionVersion: number): Promise<boolean> {
    return (await this.sessions?.ended(userId, sessionVersion)) ?? false;
  }
}

/** Signs access tokens; only the users subgraph holds the private key. */
export class AccessTokenSigner {
  private readonly settings: TokenSettings;

  constructor(
    private readonly privateKeyPem: string,
    { issuer, audience }: TokenSettings,
  ) {
    // Only these two: jsonwebtoken rejects any unknown option.
    this.settings = { issuer, audience };
  }

  /** `sessionVersion`: the user's current session version (SessionVersions), so ending the session ends the token. */
  sign(viewer: Viewer, sessionVersion: number, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS): string {
    return jwt.sign({ role: viewer.role, [SESSION_VERSION_CLAIM]: sessionVersion }, this.privateKeyPem, {
      algorithm: ALGORITHM,
      subject: viewer.id,
      expiresIn: ttlSeconds,
      jwtid: randomUUID(),
      ...this.settings,
    });
  }
}
