import { Readable } from 'node:stream';
import {
  AfterCommit,
  ConnectionShape,
  DATA_EXPORT_MAX_ROWS,
  DATA_EXPORT_SUBGRAPHS,
  Events,
  ObjectStorage,
  Outbox,
  PageFields,
  PayloadOf,
  RequestContext,
  RouteRefusal,
  UrlTokenSigner,
  badInput,
  conflict,
  isUniqueViolation,
  isUuid,
  newestFirstPage,
  queryRows,
  requireViewer,
  unauthenticated,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { PrivacyConfig } from './privacy.config';
import { DataExport, DataExportStatus } from './data-export.type';
import { auditUser } from '../user/user-audit';

/** Distinct from uploads and license downloads: the three share the URL signing secret. */
export const DATA_EXPORT_PURPOSE = 'data-export';
/** Expired links still verify this long after their `exp`, only to be answered 410 rather than 403. */
const EXPIRED_LINK_GRACE_SECONDS = 24 * 3600;
const DAY_MS = 24 * 3600 * 1000;
/** The document's own format name: a reader can tell its shape from it. */
export const DATA_EXPORT_FORMAT = 'marketplace-data-export/1';

/** What a download link carries: the export and its owner (who alone may use it). */
export interface DataExportClaims {
  eid: string;
  uid: string;
  /** Epoch seconds; checked here, so that an expired link answers 410. */
  exp: number;
}

/** Why a download was refused, as the HTTP status and error code the route answers. */
export class DataExportRefused extends RouteRefusal {}

interface DataExportRow {
  id: string;
  user_id: string;
  status: DataExportStatus;
  requested_at: Date;
  ready_at: Date | null;
  expires_at: Date | null;
  storage_key: string | null;
}

const COLUMNS = 'id, user_id, status, requested_at, ready_at, expires_at, storage_key';

/**
 * Data exports: asked for here, gathered by every subgraph through `user.data_export_requested`
 * / `user.data_export_part`, assembled into one JSON document in the exports' object storage
 * once every expected part arrived, then downloaded by the owner through a signed link.
 */
export class DataExportService {
  constructor(
    private readonly db: DataSource,
    private readonly outbox: Outbox,
    private readonly storage: ObjectStorage,
    private readonly signer: UrlTokenSigner,
    private readonly afterCommit: AfterCommit,
    private readonly settings: PrivacyConfig,
  ) {}

  /** Starts an export of the signed-in user's data; refused while another one is PENDING. */
  async request(context: RequestContext): Promise<DataExport> {
    const viewer = requireViewer(context);
    return this.db.transaction(async (manager) => {
      const [user] = await queryRows<{ erased_at: Date | null }>(
        manager,
        `SELECT erased_at FROM users WHERE id = $1 FOR SHARE`,
        [viewer.id],
      );
      if (!user || user.erased_at) throw unauthenticated();
      await this.dropExpired(manager, viewer.id);
      let row: DataExportRow;
      try {
        [row] = await queryRows<DataExportRow>(
          manager,
          `INSERT INTO data_exports (user_id) VALUES ($1) RETURNING ${COLUMNS}`,
          [viewer.id],
        );
      } catch (error) {
        if (isUniqueViolation(error, 'data_exports_one_pending_key'))
          throw conflict('Your previous data export is still being assembled', 'EXPORT_PENDING');
        throw error;
      }
      // The users subgraph's own part is written at once; the others answer the event.
      await manager.query(
        `INSERT INTO data_export_parts (export_id, subgraph, data, truncated) VALUES ($1, $2, $3, false)`,
        [row.id, 'users', JSON.stringify(await this.usersPart(manager, viewer.id))],
      );
      await this.outbox.record(
        manager,
        Events.UserDataExportRequested,
        { exportId: row.id, userId: viewer.id },
        { aggregateId: row.id, correlationId: context.requestId },
      );
      await auditUser(manager, this.outbox, context, 'DATA_EXPORTED', viewer.id, { after: { exportId: row.id } });
      context.log.info({ exportId: row.id }, 'data export requested');
      return this.toExport(row);
    });
  }

  /** The signed-in user's own export, or null (missing, someone else's, or anonymous caller). */
  async get(context: RequestContext, id: string): Promise<DataExport | null> {
    if (!isUuid(id)) throw badInput([{ field: 'id', message: 'is not a data export id' }]);
    if (!context.viewer) return null;
    const [row] = await queryRows<DataExportRow>(
      this.db,
      `SELECT ${COLUMNS} FROM data_exports WHERE id = $1 AND user_id = $2`,
      [id, context.viewer.id],
    );
    return row ? this.toExport(row) : null;
  }

  /** A user's exports, newest first (the caller checked it is the user themselves). */
  list(userId: string, page: PageFields): Promise<ConnectionShape<DataExport>> {
    return newestFirstPage<DataExportRow, DataExport>(
      this.db,
      {
        columns: COLUMNS,
        from: 'data_exports',
        where: 'user_id = $1',
        parameters: [userId],
        orderBy: ['requested_at', 'id'],
      },
      page,
      (row) => this.toExport(row),
      (dataExport) => dataExport.requestedAt,
    );
  }

  /**
   * `user.data_export_part`: stores the part; the part that completes the set assembles the
   * document, writes it to the object storage and marks the export READY (the row lock makes
   * the last two parts arriving together assemble it once).
   */
  async receivePart(manager: EntityManager, part: PayloadOf<typeof Events.UserDataExportPart>): Promise<boolean> {
    const [row] = await queryRows<DataExportRow>(
      manager,
      `SELECT ${COLUMNS} FROM data_exports WHERE id = $1 AND user_id = $2 FOR UPDATE`,
      [part.exportId, part.userId],
    );
    // Erased meanwhile (its rows went with the account), or assembled already: nothing to do.
    if (!row || row.status === DataExportStatus.READY) return false;
    await manager.query(
      `INSERT INTO data_export_parts (export_id, subgraph, data, truncated) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [part.exportId, part.subgraph, JSON.stringify(part.data), part.truncated],
    );
    const parts = await queryRows<{ subgraph: string; data: Record<string, unknown>; truncated: boolean }>(
      manager,
      `SELECT subgraph, data, truncated FROM data_export_parts WHERE export_id = $1 ORDER BY subgraph`,
      [part.exportId],
    );
    const received = new Set(parts.map((p) => p.subgraph));
    if (!['users', ...DATA_EXPORT_SUBGRAPHS].every((name) => received.has(name))) return false;
    const readyAt = new Date();
    const document = {
      format: DATA_EXPORT_FORMAT,
      exportId: row.id,
      userId: row.user_id,
      requestedAt: row.requested_at.toISOString(),
      generatedAt: readyAt.toISOString(),
      maxRowsPerCollection: DATA_EXPORT_MAX_ROWS,
      truncated: parts.filter((p) => p.truncated).map((p) => p.subgraph),
      subgraphs: Object.fromEntries(parts.map((p) => [p.subgraph, p.data])),
    };
    const key = `${row.id}.json`;
    const stored = await this.storage.put(key, Readable.from([Buffer.from(JSON.stringify(document, null, 2))]), {
      maxBytes: this.settings.maxDocumentBytes,
    });
    await manager.query(
      `UPDATE data_exports SET status = 'READY', ready_at = $2, expires_at = $3, storage_key = $4, size = $5 WHERE id = $1`,
      [row.id, readyAt, new Date(readyAt.getTime() + this.settings.retentionDays * DAY_MS), key, stored.size],
    );
    // The document holds them now.
    await manager.query(`DELETE FROM data_export_parts WHERE export_id = $1`, [row.id]);
    return true;
  }

  /** `GET /exports/:token` with the owner's access token: the export to stream, or why not. */
  async open(token: string, viewerId: string | null): Promise<{ storageKey: string; fileName: string }> {
    const claims = this.signer.verify<DataExportClaims>(DATA_EXPORT_PURPOSE, token);
    if (!claims || !isUuid(claims.eid) || !isUuid(claims.uid) || typeof claims.exp !== 'number')
      throw new DataExportRefused(403, 'FORBIDDEN', 'This download link is invalid');
    if (claims.exp < Date.now() / 1000)
      throw new DataExportRefused(410, 'LINK_EXPIRED', 'This download link has expired; ask for a new one');
    if (!viewerId) throw new DataExportRefused(401, 'UNAUTHENTICATED', 'Sign in as the owner of this export');
    if (viewerId !== claims.uid) throw new DataExportRefused(403, 'FORBIDDEN', 'Only its owner may download an export');
    const [row] = await queryRows<DataExportRow>(
      this.db,
      `SELECT ${COLUMNS} FROM data_exports WHERE id = $1 AND user_id = $2`,
      [claims.eid, claims.uid],
    );
    if (!row?.storage_key || !row.expires_at || row.expires_at.getTime() <= Date.now())
      throw new DataExportRefused(410, 'EXPORT_EXPIRED', 'This export is no longer available; ask for a new one');
    return {
      storageKey: row.storage_key,
      fileName: `marketplace-data-${row.ready_at!.toISOString().slice(0, 10)}.json`,
    };
  }

  read(storageKey: string): Promise<Readable> {
    return this.storage.read(storageKey);
  }

  /**
   * Deletes every export of a user in the caller's transaction (erasure), and their
   * documents once it commits.
   */
  async dropAll(manager: EntityManager, userId: string): Promise<void> {
    const dropped = await queryRows<{ storage_key: string | null }>(
      manager,
      `DELETE FROM data_exports WHERE user_id = $1 RETURNING storage_key`,
      [userId],
    );
    this.deleteDocumentsAfterCommit(manager, dropped);
  }

  /** The user's exports past their expiry, and a PENDING one that waited in vain (see `pendingTimeoutMinutes`). */
  private async dropExpired(manager: EntityManager, userId: string): Promise<void> {
    const dropped = await queryRows<{ storage_key: string | null }>(
      manager,
      `DELETE FROM data_exports
        WHERE user_id = $1
          AND (expires_at <= now() OR (status = 'PENDING' AND requested_at < now() - make_interval(mins => $2)))
        RETURNING storage_key`,
      [userId, this.settings.pendingTimeoutMinutes],
    );
    this.deleteDocumentsAfterCommit(manager, dropped);
  }

  private deleteDocumentsAfterCommit(manager: EntityManager, rows: { storage_key: string | null }[]): void {
    const keys = rows.map((row) => row.storage_key).filter((key): key is string => key !== null);
    if (keys.length === 0) return;
    this.afterCommit.run(manager, async () => {
      for (const key of keys) await this.storage.delete(key);
    });
  }

  /** The users subgraph's part: the profile, the sessions, the avatar, linked providers and API keys (never a secret such as a token hash). */
  private async usersPart(manager: EntityManager, userId: string): Promise<Record<string, unknown[]>> {
    const profile = await queryRows(
      manager,
      `SELECT id, email, display_name AS "displayName", role, email_verified_at AS "emailVerifiedAt",
              created_at AS "createdAt", updated_at AS "updatedAt"
         FROM users WHERE id = $1`,
      [userId],
    );
    const sessions = await queryRows(
      manager,
      `SELECT id AS "sessionId", created_at AS "startedAt", last_used_at AS "lastRefreshedAt", ended_at AS "endedAt",
              user_agent AS "userAgent", client_ip AS "clientIp"
         FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, DATA_EXPORT_MAX_ROWS],
    );
    // The current avatar's metadata; its files are public at /media/users/<mediaId>/<file>.
    const avatar = await queryRows(
      manager,
      `SELECT media_id AS "mediaId", original_file AS "originalFile", width, height, uploaded_at AS "uploadedAt"
         FROM user_avatars WHERE user_id = $1 AND removed_at IS NULL`,
      [userId],
    );
    // Linked sign-in providers: the provider's id of the user and the verified email it gave.
    const socialAccounts = await queryRows(
      manager,
      `SELECT provider, subject, email, linked_at AS "linkedAt", last_used_at AS "lastUsedAt"
         FROM oauth_identities WHERE user_id = $1 ORDER BY provider`,
      [userId],
    );
    const apiKeys = await queryRows(
      manager,
      `SELECT id, name, 'mk_' || lookup_id AS prefix, scopes, created_at AS "createdAt", expires_at AS "expiresAt",
              revoked_at AS "revokedAt", last_used_at AS "lastUsedAt"
         FROM api_keys WHERE owner_id = $1 ORDER BY created_at DESC LIMIT $2`,
      [userId, DATA_EXPORT_MAX_ROWS],
    );
    // Passkeys: what the user named them and when they were used; their public keys are of no use to anyone.
    const passkeys = await queryRows(
      manager,
      `SELECT id, name, backed_up AS "backedUp", created_at AS "createdAt", last_used_at AS "lastUsedAt"
         FROM passkeys WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    );
    return { profile, sessions, avatar, socialAccounts, apiKeys, passkeys };
  }

  private toExport(row: DataExportRow): DataExport {
    const ready = row.status === DataExportStatus.READY && row.expires_at !== null && row.expires_at > new Date();
    return Object.assign(new DataExport(), {
      id: row.id,
      userId: row.user_id,
      status: row.status,
      requestedAt: row.requested_at,
      readyAt: row.ready_at,
      expiresAt: row.expires_at,
      storageKey: row.storage_key,
      downloadUrl: ready ? this.link(row) : null,
    });
  }

  private link(row: DataExportRow): string {
    const exp = Math.floor(Date.now() / 1000) + this.settings.linkTtlSeconds;
    const claims: DataExportClaims = { eid: row.id, uid: row.user_id, exp };
    const token = this.signer.sign(
      DATA_EXPORT_PURPOSE,
      claims,
      this.settings.linkTtlSeconds + EXPIRED_LINK_GRACE_SECONDS,
    );
    return `${this.settings.publicUrl}/exports/${token}`;
  }
}
