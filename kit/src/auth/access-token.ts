import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { unauthenticated } from '../errors';
import { Role, Viewer } from './roles';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ALGORITHM = 'RS256';

interface TokenSettings {
  issuer: string;
  audience: string;
}

/** Verifies access tokens with the public key; every subgraph and the gateway hold one. */
export class AccessTokenVerifier {
  private readonly settings: TokenSettings;

  constructor(private readonly publicKeyPem: string, { issuer, audience }: TokenSettings) {
    this.settings = { issuer, audience };
  }

  verify(token: string): Viewer {
    let claims: jwt.JwtPayload;
    try {
      // Pinning the algorithm rejects `alg: none` and HS256-with-the-public-key forgeries.
      claims = jwt.verify(token, this.publicKeyPem, { algorithms: [ALGORITHM], ...this.settings }) as jwt.JwtPayload;
    } catch (error) {
      const reason = error instanceof jwt.TokenExpiredError ? 'Access token expired' : 'Invalid access token';
      throw unauthenticated(reason);
    }
    const role = claims.role as Role;
    if (typeof claims.sub !== 'string' || !Object.values(Role).includes(role)) throw unauthenticated('Invalid access token');
    return { id: claims.sub, role };
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

  constructor(private readonly privateKeyPem: string, { issuer, audience }: TokenSettings) {
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
