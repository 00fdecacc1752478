import { createHash } from 'node:crypto';
import {
  API_KEY_PREFIX,
  AccessTokenVerifier,
  GatewaySigner,
  Logger,
  TokenSession,
  unauthenticated,
} from '@marketplace/kit';

/** The users subgraph's exchange route and header (subgraphs/users/src/api-key/api-key-grant.routes.ts). */
export const API_KEY_GRANT_PATH = '/internal/api-key-grants';
export const API_KEY_HEADER = 'x-api-key';
/** Exchanged keys remembered at once; the oldest go first. */
export const API_KEY_CACHE_SIZE = 10_000;
const EXCHANGE_TIMEOUT_MS = 5_000;
/** The refusal when the users subgraph could not check a key (unreachable, or answering neither yes nor no). */
export const API_KEYS_UNAVAILABLE_MESSAGE = 'API keys cannot be checked right now; try again shortly';

/** What a key was exchanged for: the `Authorization` to forward (the owner's token, limited to the key's scopes). */
export interface ApiKeyGrant {
  authorization: string;
  apiKeyId: string;
}

/** A grant whose token was verified: the owner it acts as (with the key's id and scopes) and that token's session. */
export interface VerifiedApiKey {
  grant: ApiKeyGrant;
  session: TokenSession;
}

/** Who asks for an exchange, as the users subgraph logs and rate-limits it. */
export interface ExchangeIdentity {
  /** Absent behind Apollo Router when nothing vouches for the client's address (ROUTER_COPROCESSOR_TRUST_CLIENT_IP). */
  clientIp: string | undefined;
  requestId: string;
}

interface Remembered {
  grant: Promise<ApiKeyGrant>;
  untilMs: number;
}

/** Whether the header carries an API key rather than a JWT. */
export function isApiKeyAuthorization(header: string | undefined): header is string {
  return header !== undefined && header.trim().startsWith(`Bearer ${API_KEY_PREFIX}`);
}

/**
 * Exchanges vendors' API keys for access tokens at the users subgraph, which alone holds the
 * keys' hashes and the signing key. The request is signed like every gateway → subgraph call
 * (x-gateway-signature), so only the gateway may exchange. A grant is trusted for
 * `cacheSeconds` (and concurrent requests with one key share one exchange): that is how long a
 * revoked key may keep working on this gateway. Refusals are never remembered. Keys are held
 * by their SHA-256, so the gateway's memory holds no usable key.
 */
export class ApiKeyExchange {
  private readonly remembered = new Map<string, Remembered>();
  private readonly grantUrl: string;
  private readonly grantPath: string;

  constructor(
    usersUrl: string,
    private readonly signer: GatewaySigner,
    private readonly cacheSeconds: number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    const url = new URL(API_KEY_GRANT_PATH, usersUrl);
    this.grantUrl = url.toString();
    this.grantPath = url.pathname;
  }

  /** Whether the key's grant is remembered (a request with it skips the users subgraph). */
  isRemembered(header: string): boolean {
    const known = this.remembered.get(cacheKey(header));
    return known !== undefined && known.untilMs > this.now();
  }

  /** The key's grant, remembered or fresh; UNAUTHENTICATED for a key the users subgraph refused. */
  exchange(header: string, identity: ExchangeIdentity): Promise<ApiKeyGrant> {
    const id = cacheKey(header);
    const known = this.remembered.get(id);
    if (known && known.untilMs > this.now()) return known.grant;
    this.remembered.delete(id);
    const grant = this.ask(header.trim().slice('Bearer '.length), identity);
    if (this.cacheSeconds > 0) {
      if (this.remembered.size >= API_KEY_CACHE_SIZE) this.remembered.delete(this.remembered.keys().next().value!);
      this.remembered.set(id, { grant, untilMs: this.now() + this.cacheSeconds * 1000 });
      grant.catch(() => this.remembered.delete(id));
    }
    return grant;
  }

  /**
   * The key's grant with its token verified like any other (every transport's one way in:
   * GraphQL over HTTP, WebSocket, the REST edge, the router coprocessor). A remembered grant
   * may have outlived its owner's sessions (password change, suspension): its token is then
   * refused, the grant forgotten and the key exchanged once more, which users refuses when the
   * owner no longer qualifies. UNAUTHENTICATED for a key that does not work.
   */
  async verified(
    header: string,
    identity: ExchangeIdentity,
    verifier: Pick<AccessTokenVerifier, 'sessionFromAuthorizationHeader'>,
  ): Promise<VerifiedApiKey> {
    const remembered = this.isRemembered(header);
    const attempt = async (): Promise<VerifiedApiKey> => {
      const grant = await this.exchange(header, identity);
      const session = await verifier.sessionFromAuthorizationHeader(grant.authorization);
      // The users subgraph answered a grant without a token: never a viewer, so never trusted.
      if (!session?.viewer.apiKey) throw unauthenticated('Invalid API key');
      return { grant, session };
    };
    try {
      return await attempt();
    } catch (error) {
      if (!remembered) throw error;
      this.forget(header);
      return attempt();
    }
  }

  /** Drops a remembered grant whose token was refused since (the owner's sessions ended): the next call asks again. */
  forget(header: string): void {
    this.remembered.delete(cacheKey(header));
  }

  private async ask(key: string, identity: ExchangeIdentity): Promise<ApiKeyGrant> {
    const headers = {
      ...this.signer.identityHeaders({ method: 'POST', path: this.grantPath, ...identity }),
      [API_KEY_HEADER]: key,
    };
    let response: Response;
    try {
      response = await fetch(this.grantUrl, {
        method: 'POST',
        headers,
        signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
      });
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'api key exchange failed: users unreachable');
      throw unauthenticated(API_KEYS_UNAVAILABLE_MESSAGE);
    }
    if (response.status === 401) throw unauthenticated('Invalid API key');
    if (!response.ok) {
      this.log.warn({ status: response.status }, 'api key exchange failed');
      throw unauthenticated(API_KEYS_UNAVAILABLE_MESSAGE);
    }
    const body = (await response.json()) as { accessToken: string; apiKeyId: string };
    return { authorization: `Bearer ${body.accessToken}`, apiKeyId: body.apiKeyId };
  }
}

function cacheKey(header: string): string {
  return createHash('sha256').update(header.trim()).digest('base64url');
}
