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
  /** `ADMIN_REQUIRE_TWO_FACTOR`: an ADMIN token without a second factor acts as a CUSTOMER (see `actingViewer`). */
  adminRequiresSecondFactor?: boolean;
}

/** Verified tokens remembered per verifier; a client sends the same token with every request until it expires. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/** The claim naming the user's session version the token was issued at (see SessionVersions). */
export const SESSION_VERSION_CLAIM = 'sv';
/** The claim naming the session (refresh token family) the token belongs to, so that one session can be ended alone. */
export const SESSION_ID_CLAIM = 'sid';
const SESSION_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Claims of a token the users subgraph grants for an API key: the key's id and its scopes (see ApiKeyScope). */
export const API_KEY_ID_CLAIM = 'akid';
export const API_KEY_SCOPES_CLAIM = 'scp';

/**
 * RFC 8176's `amr` (authentication methods references) claim: how the session was established,
 * e.g. `["pwd", "otp", "mfa"]`. `mfa` is the value that says a second factor was shown.
 */
export const AUTHENTICATION_METHODS_CLAIM = 'amr';
export const MULTI_FACTOR_METHOD = 'mfa';

/**
 * The viewer a token's user acts as. With `adminRequiresSecondFactor`, an ADMIN whose session
 * showed no second factor acts as a CUSTOMER (the role every account has), and the admin role
 * is `withheldRole`: every check of `role === ADMIN`, in every subgraph and the gateway, then
 * refuses without knowing about second factors, and `@Authorized(Role.ADMIN)` says why.
 */
export function actingViewer(
  id: string,
  role: Role,
  methods: readonly string[],
  adminRequiresSecondFactor: boolean,
): Viewer {
  // Only when true: a viewer without a second factor stays the plain `{ id, role }` it always was.
  if (methods.includes(MULTI_FACTOR_METHOD)) return { id, role, secondFactor: true };
  if (role === Role.ADMIN && adminRequiresSecondFactor) return { id, role: Role.CUSTOMER, withheldRole: Role.ADMIN };
  return { id, role };
}

/** A verified token's subject and the session it belongs to. */
export interface TokenSession {
  viewer: Viewer;
  sessionVersion: number;
  /** Absent in tokens issued before sessions were named (at most 15 minutes after the upgrade). */
  sessionId?: string;
}

interface VerifiedToken extends TokenSession {
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

  private readonly adminRequiresSecondFactor: boolean;

  constructor(
    publicKeyPem: string,
    { issuer, audience, adminRequiresSecondFactor = false }: TokenSettings,
    /** Absent only where no request is served (unit tests of the token itself). */
    private readonly sessions?: SessionVersions,
  ) {
    this.settings = { issuer, audience };
    this.adminRequiresSecondFactor = adminRequiresSecondFactor;
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
    const sessionId = claims[SESSION_ID_CLAIM] as unknown;
    const methods = (claims[AUTHENTICATION_METHODS_CLAIM] as unknown) ?? [];
    // jsonwebtoken checks `exp` only when present: a token without one would never expire.
    if (
      typeof claims.sub !== 'string' ||
      !Object.values(Role).includes(role) ||
      typeof claims.exp !== 'number' ||
      !Number.isSafeInteger(sessionVersion) ||
      (sessionId !== undefined && (typeof sessionId !== 'string' || !SESSION_ID_PATTERN.test(sessionId))) ||
      !Array.isArray(methods) ||
      !methods.every((method) => typeof method === 'string')
    )
      throw unauthenticated('Invalid access token');
    const apiKey = apiKeyOf(claims);
    const acting = actingViewer(claims.sub, role, methods, this.adminRequiresSecondFactor);
    const verified: VerifiedToken = {
      viewer: apiKey ? { ...acting, apiKey } : acting,
      sessionVersion: sessionVersion as number,
      expiresAtMs: claims.exp * 1000,
    };
    if (typeof sessionId === 'string') verified.sessionId = sessionId;
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

  /** `fromAuthorizationHeader`, also answering the token's session version and id (for `sessionEnded` later). */
  async sessionFromAuthorizationHeader(header: string | undefined): Promise<TokenSession | null> {
    if (!header) return null;
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
    if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
    const { viewer, sessionVersion, sessionId } = this.verifyToken(match[1]);
    await this.sessions?.check(viewer.id, sessionVersion, sessionId);
    return sessionId === undefined ? { viewer, sessionVersion } : { viewer, sessionVersion, sessionId };
  }

  /** Whether a session verified earlier was ended since (logout, revocation, password or role change, suspension). */
  async sessionEnded(userId: string, sessionVersion: number, sessionId?: string): Promise<boolean> {
    return (await this.sessions?.ended(userId, sessionVersion, sessionId)) ?? false;
  }
}

/** Signs access tokens; only the users subgraph holds the private key. */
export class AccessTokenSigner {
  private readonly settings: TokenSettings;

  private readonly adminRequiresSecondFactor: boolean;

  constructor(
    private readonly privateKeyPem: string,
    { issuer, audience, adminRequiresSecondFactor = false }: TokenSettings,
  ) {
    // Only these two: jsonwebtoken rejects any unknown option.
    this.settings = { issuer, audience };
    this.adminRequiresSecondFactor = adminRequiresSecondFactor;
  }

  /** Who a token signed for this user and these methods acts as (what the verifiers will make of it). */
  actingViewer(viewer: Viewer, methods: readonly string[]): Viewer {
    return actingViewer(viewer.id, viewer.role, methods, this.adminRequiresSecondFactor);
  }

  /**
   * `sessionVersion`: the user's current session version (SessionVersions), so ending all sessions ends the token;
   * `session.id`: the session (refresh token family) it belongs to, so ending that one session ends it too;
   * `session.methods`: how the session was established (the `amr` claim, left out when empty).
   * A viewer with `apiKey` gets the key's id and scopes as claims: every subgraph then limits it to those scopes.
   */
  sign(
    viewer: Viewer,
    sessionVersion: number,
    ttlSeconds = ACCESS_TOKEN_TTL_SECONDS,
    session: { id?: string; methods?: readonly string[] } = {},
  ): string {
    const claims: Record<string, unknown> = { role: viewer.role, [SESSION_VERSION_CLAIM]: sessionVersion };
    if (session.id) claims[SESSION_ID_CLAIM] = session.id;
    if (session.methods?.length) claims[AUTHENTICATION_METHODS_CLAIM] = session.methods;
    if (viewer.apiKey) {
      claims[API_KEY_ID_CLAIM] = viewer.apiKey.id;
      claims[API_KEY_SCOPES_CLAIM] = viewer.apiKey.scopes;
    }
    return jwt.sign(claims, this.privateKeyPem, {
      algorithm: ALGORITHM,
      subject: viewer.id,
      expiresIn: ttlSeconds,
      jwtid: randomUUID(),
      ...this.settings,
    });
  }
}

/** The API key a token was granted for; a token with a malformed key claim is refused (never read as a person's). */
function apiKeyOf(claims: jwt.JwtPayload): Viewer['apiKey'] {
  const id = claims[API_KEY_ID_CLAIM] as unknown;
  const scopes = claims[API_KEY_SCOPES_CLAIM] as unknown;
  if (id === undefined && scopes === undefined) return undefined;
  if (typeof id !== 'string' || !Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string'))
    throw unauthenticated('Invalid access token');
  return { id, scopes };
}
