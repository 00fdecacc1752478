import { WebSocket } from 'ws';
import type { AccessTokenVerifier, Logger } from '@marketplace/kit';

/** graphql-ws's "Unauthorized" close code: its client treats it as fatal (no reconnect loop with a dead token). */
export const SESSION_ENDED_CLOSE_CODE = 4401;

/**
 * A socket's token is verified once, at `connection_init`; its subscriptions then re-run on
 * change notices, which may not come for a long time. So the sessions of open signed-in
 * sockets are checked every few seconds, and a socket whose session was ended (suspension,
 * logout, password or role change: SessionVersions) is closed with 4401, which ends every
 * subscription on it. One check per (user, version) per sweep, however many sockets share it.
 */
export class SocketSessions {
  private readonly open = new Map<WebSocket, { userId: string; sessionVersion: number; sessionId?: string }>();
  private sweeping = false;

  constructor(
    private readonly verifier: Pick<AccessTokenVerifier, 'sessionEnded'>,
    private readonly log: Logger,
  ) {}

  watch(socket: WebSocket, userId: string, sessionVersion: number, sessionId?: string): void {
    this.open.set(socket, { userId, sessionVersion, sessionId });
    socket.once('close', () => this.open.delete(socket));
  }

  async sweep(): Promise<void> {
    if (this.sweeping || this.open.size === 0) return;
    this.sweeping = true;
    try {
      const verdicts = new Map<string, Promise<boolean>>();
      const ended = (userId: string, version: number, sessionId: string | undefined) => {
        const key = `${userId}:${version}:${sessionId ?? ''}`;
        if (!verdicts.has(key)) verdicts.set(key, this.verifier.sessionEnded(userId, version, sessionId));
        return verdicts.get(key)!;
      };
      await Promise.all(
        [...this.open].map(async ([socket, { userId, sessionVersion, sessionId }]) => {
          if (!(await ended(userId, sessionVersion, sessionId))) return;
          this.open.delete(socket);
          this.log.info({ userId }, 'websocket closed: session ended');
          if (socket.readyState === WebSocket.OPEN) socket.close(SESSION_ENDED_CLOSE_CODE, 'Session ended');
        }),
      );
    } catch (error) {
      this.log.warn({ err: error }, 'websocket session sweep failed');
    } finally {
      this.sweeping = false;
    }
  }
}
