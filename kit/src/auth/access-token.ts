import { KeyObject, createPublicKey, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { unauthenticated } from '../errors';
import { Role, Viewer } from '../contracts/roles';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ALGORITHM = 'RS256';

interface TokenSettings {
  issuer: string;
  audience: string;
}

/** Verified tokens remembered per verifier; a client sends the same token with every request until it expires. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * Verifies access tokens with the public key; every subgraph and the gateway hold one.
 * A token is a pure function of its bytes, so a verified one is remembered until it
 * expires: each hop of a federated request (gateway, then every subgraph it calls) and
 * each later request of the same session skip the RSA check. Failures are never cached.
 */
export class AccessTokenVerifier {
  private readonly settings: TokenSettings;
  /** Parsed once: jsonwebtoken would parse a PEM string again on every call. */
  private readonly publicKey: KeyObject;
  /** Token → viewer and expiry (ms), oldest first (Map keeps insertion order). */
  private readonly verified = new Map<string, { viewer: Viewer; expiresAtMs: number }>();

  constructor(publicKeyPem: string, { issuer, audience }: TokenSettings) {
    this.settings = { issuer, audience };
    this.publicKey = createPublicKey(publicKeyPem);
  }

  verify(token: string): Viewer {
    const known = this.verified.get(token);
    if (known && known.expiresAtMs > Date.now()) return known.viewer;
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
    if (typeof claims.sub !== 'string' || !Object.values(Role).includes(role))
      throw unauthenticated('Invalid access token');
    const viewer = { id: claims.sub, role };
    if (typeof claims.exp === 'number') this.remember(token, viewer, claims.exp * 1000);
    return viewer;
  }

  private remember(token: string, viewer: Viewer, expiresAtMs: number): void {
    if (this.verified.size >= VERIFIED_TOKEN_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { viewer, expiresAtMs });
  }

  /** `Authorization: Bearer <token>`; no header means an anonymous viewer, a bad one is an error. */
  fromAuthorizationHeader(header: string | undefined): Viewer | null {
    if (!header) return null;
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
    if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
    return this.verify(match[1]);
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

  sign(viewer: Viewer, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS): string {
    return jwt.sign({ role: viewer.role }, this.privateKeyPem, {
      algorithm: ALGORITHM,
      subject: viewer.id,
      expiresIn: ttlSeconds,
      jwtid: randomUUID(),
      ...this.settings,
    });
  }
}
