import {
  ConnectionShape,
  Outbox,
  PageFields,
  RequestContext,
  badInput,
  isUuid,
  newestFirstPage,
  notFound,
  recordAudit,
  requestOrigin,
  requireViewer,
  unauthenticated,
} from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import type { SessionService } from '../auth/session.service';
import { DeviceSession } from './session.type';

interface SessionRow {
  id: string;
  user_agent: string | null;
  client_ip: string | null;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
}

const COLUMNS = 'id, user_agent, client_ip, created_at, last_used_at, expires_at';

/**
 * A user's own sessions (signed-in devices): listing them, and ending one or all the others.
 * Another user's session is NOT_FOUND, exactly like a missing one, so ids cannot be probed.
 */
export class DeviceSessionService {
  constructor(
    private readonly db: DataSource,
    private readonly sessions: SessionService,
    private readonly outbox: Outbox,
  ) {}

  /** The user's live sessions, newest first; `current` marks the one of this request's access token. */
  list(context: RequestContext, userId: string, page: PageFields): Promise<ConnectionShape<DeviceSession>> {
    return newestFirstPage<SessionRow, DeviceSession>(
      this.db,
      {
        columns: COLUMNS,
        from: 'sessions',
        where: 'user_id = $1 AND ended_at IS NULL AND expires_at > now()',
        parameters: [userId],
        orderBy: ['created_at', 'id'],
      },
      page,
      (row) => toDeviceSession(row, context.sessionId),
      (session) => session.createdAt,
    );
  }

  /** Ends one of the viewer's sessions (this one included); answers its id. */
  async revoke(context: RequestContext, sessionId: string): Promise<string> {
    const viewer = requireViewer(context);
    if (!isUuid(sessionId)) throw badInput([{ field: 'input.sessionId', message: 'is not a session id' }]);
    await this.db.transaction(async (manager) => {
      const ended = await this.sessions.endSessions(manager, viewer.id, { only: sessionId }, 'REVOKED');
      if (ended.length === 0) throw notFound('Session');
      await recordAudit(manager, this.outbox, requestOrigin(context), {
        action: 'SESSION_REVOKED',
        targetType: 'Session',
        targetId: sessionId,
        after: { userId: viewer.id, current: sessionId === context.sessionId },
      });
    });
    return sessionId;
  }

  /** Ends every session of the viewer but this request's; answers their ids. */
  async revokeOthers(context: RequestContext): Promise<string[]> {
    requireViewer(context);
    // Without it every session would end, this one too: the client refreshes (a token that names it) and retries.
    if (!context.sessionId) throw unauthenticated('This access token names no session: refresh it, then try again');
    return this.db.transaction((manager) => this.sessions.endOtherSessions(manager, context, 'OTHER_SESSIONS_REVOKED'));
  }
}

function toDeviceSession(row: SessionRow, currentSessionId: string | undefined): DeviceSession {
  return Object.assign(new DeviceSession(), {
    id: row.id,
    userAgent: row.user_agent,
    ipAddress: row.client_ip,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    current: row.id === currentSessionId,
  });
}
