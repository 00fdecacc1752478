import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { AccessTokenVerifier, Logger } from '@marketplace/kit';
import { API_KEYS_UNAVAILABLE_MESSAGE, ApiKeyExchange, VerifiedApiKey } from '../edge/api-key-exchange';
import { RequestRateLimiter, tooManyRequests } from '../edge/rate-limit';
import { TOO_MANY_CONNECTIONS_CLOSE_CODE } from './socket-limits';
import { SESSION_ENDED_CLOSE_CODE } from './socket-sessions';

/** A key that stopped working (revoked, expired, its owner no longer a vendor): graphql-ws's fatal "Unauthorized". */
export const API_KEY_REFUSED_CLOSE_CODE = SESSION_ENDED_CLOSE_CODE;
/** The users subgraph could not check the key: "Try Again Later", which graphql-ws's client retries. */
export const API_KEYS_UNAVAILABLE_CLOSE_CODE = 1013;

/** The key a socket was opened with (`connectionParams.authorization`), kept while it is open to exchange it again. */
export interface SocketApiKey {
  header: string;
  id: string;
  socket: WebSocket;
  clientIp: string;
}

/** Whether a refusal only says the users subgraph could not answer (the key may well be fine). */
export function isUnavailable(error: unknown): boolean {
  return error instanceof Error && error.message === API_KEYS_UNAVAILABLE_MESSAGE;
}

/** The close code and reason of a socket whose key was refused. */
export function closeFor(error: unknown): [number, string] {
  return isUnavailable(error)
    ? [API_KEYS_UNAVAILABLE_CLOSE_CODE, API_KEYS_UNAVAILABLE_MESSAGE]
    : [API_KEY_REFUSED_CLOSE_CODE, 'Invalid API key'];
}

/**
 * Sockets opened with a vendor's API key. The key is exchanged once at `connection_init`
 * (ApiKeyExchange, as over HTTP); each operation then runs under the key's current grant,
 * remembered for `API_KEY_CACHE_SECONDS` and exchanged again after, so the token forwarded
 * never outlives its 2 minutes. As a person's socket is swept for an ended session, key sockets
 * are swept too: each key is checked again once its remembered exchange has expired, and a
 * socket whose key no longer works (revoked, expired, owner suspended or demoted) is closed
 * with 4401, ending every subscription on it, within that bound plus a sweep. The owner's
 * own session changes do not close it: the key is exchanged again, as over HTTP. While the
 * users subgraph cannot answer, sockets stay open and their operations are refused.
 */
export class SocketApiKeys {
  private readonly open = new Map<WebSocket, SocketApiKey>();
  private sweeping = false;

  constructor(
    private readonly apiKeys: ApiKeyExchange,
    private readonly verifier: Pick<AccessTokenVerifier, 'sessionFromAuthorizationHeader'>,
    private readonly log: Logger,
  ) {}

  /**
   * `connection_init` with a key: as over HTTP, an exchange not remembered spends the IP's
   * budget first (over it: closed 4429); a refused key closes the socket 4401 (1013 while
   * users cannot answer). The verified grant, or undefined once the socket is closed.
   */
  async connect(
    socket: WebSocket,
    header: string,
    clientIp: string,
    rateLimiter: Pick<RequestRateLimiter, 'limit'> | undefined,
  ): Promise<VerifiedApiKey | undefined> {
    if (!this.apiKeys.isRemembered(header)) {
      const decision = await rateLimiter?.limit({ kind: 'ip', address: clientIp }, this.log);
      if (decision && !decision.allowed) {
        socket.close(TOO_MANY_CONNECTIONS_CLOSE_CODE, tooManyRequests(decision.resetSeconds).message);
        return undefined;
      }
    }
    try {
      return await this.exchange(header, clientIp);
    } catch (error) {
      this.log.info(
        { reason: error instanceof Error ? error.message : String(error) },
        'websocket refused: bad api key',
      );
      socket.close(...closeFor(error));
      return undefined;
    }
  }

  /** The key's grant, verified; UNAUTHENTICATED when it does not work. */
  exchange(header: string, clientIp: string): Promise<VerifiedApiKey> {
    return this.apiKeys.verified(header, { clientIp, requestId: randomUUID() }, this.verifier);
  }

  watch(key: SocketApiKey): void {
    this.open.set(key.socket, key);
    key.socket.once('close', () => this.open.delete(key.socket));
  }

  /**
   * The `Authorization` an operation of the socket forwards: the key's current token. A key
   * refused since closes the socket (and the refusal is the operation's error).
   */
  async authorization(key: SocketApiKey, requestId: string): Promise<string> {
    try {
      const { grant } = await this.apiKeys.verified(key.header, { clientIp: key.clientIp, requestId }, this.verifier);
      return grant.authorization;
    } catch (error) {
      if (!isUnavailable(error)) this.end(key, error);
      throw error;
    }
  }

  /** Checks every key socket's key whose exchange is no longer remembered (one check per key however many sockets). */
  async sweep(): Promise<void> {
    if (this.sweeping || this.open.size === 0) return;
    this.sweeping = true;
    try {
      const verdicts = new Map<string, Promise<unknown>>();
      await Promise.all(
        [...this.open.values()].map(async (key) => {
          if (this.apiKeys.isRemembered(key.header)) return;
          if (!verdicts.has(key.header))
            verdicts.set(
              key.header,
              this.exchange(key.header, key.clientIp).then(
                () => undefined,
                (error: unknown) => error,
              ),
            );
          const refusal = await verdicts.get(key.header);
          if (refusal === undefined) return;
          if (isUnavailable(refusal))
            this.log.warn({ apiKeyId: key.id }, 'websocket api key not checked: users unavailable');
          else this.end(key, refusal);
        }),
      );
    } catch (error) {
      this.log.warn({ err: error }, 'websocket api key sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  private end(key: SocketApiKey, error: unknown): void {
    this.open.delete(key.socket);
    this.log.info(
      { apiKeyId: key.id, reason: error instanceof Error ? error.message : String(error) },
      'websocket closed: api key refused',
    );
    if (key.socket.readyState === WebSocket.OPEN) key.socket.close(...closeFor(error));
  }
}
