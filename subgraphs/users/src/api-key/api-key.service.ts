import {
  AccessTokenSigner,
  ApiKeyScope,
  FieldError,
  Logger,
  Outbox,
  RequestContext,
  Role,
  SessionVersions,
  Viewer,
  badInput,
  forbidden,
  notFound,
  queryRows,
  recordAudit,
  requestOrigin,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { ApiKey } from './api-key.type';
import { apiKeyPrefix, newApiKeySecret, parseApiKey, secretMatches } from './api-key-secret';

/** Keys one vendor may hold at a time (revoked and expired ones do not count). */
export const MAX_ACTIVE_API_KEYS = 20;
const MAX_NAME_LENGTH = 100;
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
/** How long a granted token lives: it never leaves the gateway, which re-asks far sooner (API_KEY_CACHE_SECONDS). */
export const API_KEY_GRANT_TTL_SECONDS = 120;
/** Last use is written at most this often per key: a busy key costs no write per request. */
const LAST_USE_INTERVAL = '1 minute';

interface ApiKeyRow {
  id: string;
  owner_id: string;
  name: string;
  lookup_id: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = 'id, owner_id, name, lookup_id, scopes, created_at, expires_at, last_used_at';

/** What the gateway gets for a valid key: a short-lived access token of the owner, limited to the key's scopes. */
export interface ApiKeyGrant {
  accessToken: string;
  expiresIn: number;
  apiKeyId: string;
}

/**
 * Vendors' API keys: made, listed and revoked by the vendor signed in as a person (a key can
 * never manage keys: those root fields carry no scope), and exchanged by the gateway for a
 * token of the owner limited to the key's scopes (see `grant`).
 */
export class ApiKeyService {
  constructor(
    private readonly db: DataSource,
    private readonly signer: AccessTokenSigner,
    private readonly sessionVersions: SessionVersions,
    private readonly outbox: Outbox,
    private readonly log: Logger,
  ) {}

  async create(
    context: RequestContext,
    input: { name: string; scopes: ApiKeyScope[]; expiresAt?: Date | null },
  ): Promise<{ apiKey: ApiKey; secret: string }> {
    const viewer = personOnly(context);
    const name = input.name.trim();
    const scopes = [...new Set(input.scopes)];
    const problems: FieldError[] = [];
    if (name.length === 0 || name.length > MAX_NAME_LENGTH)
      problems.push({ field: 'input.name', message: `Name the key in 1 to ${MAX_NAME_LENGTH} characters` });
    if (scopes.length === 0) problems.push({ field: 'input.scopes', message: 'Give the key at least one scope' });
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt && (expiresAt.getTime() <= Date.now() || expiresAt.getTime() > Date.now() + YEAR_MS))
      problems.push({ field: 'input.expiresAt', message: 'A key expires in the future, at most a year ahead' });
    if (problems.length > 0) throw badInput(problems);
    const secret = newApiKeySecret();
    const row = await this.db.transaction(async (manager) => {
      // The owner's row lock serialises concurrent creations, so the limit holds under races.
      await manager.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [viewer.id]);
      const [{ count }] = await queryRows<{ count: number }>(
        manager,
        `SELECT count(*)::int AS count FROM api_keys
          WHERE owner_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
        [viewer.id],
      );
      if (count >= MAX_ACTIVE_API_KEYS)
        throw badInput([{ field: 'input', message: `At most ${MAX_ACTIVE_API_KEYS} keys; revoke one first` }]);
      const [inserted] = await queryRows<ApiKeyRow>(
        manager,
        `INSERT INTO api_keys (owner_id, name, lookup_id, secret_hash, scopes, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [viewer.id, name, secret.lookupId, secret.secretHash, scopes, expiresAt],
      );
      await recordAudit(manager, this.outbox, requestOrigin(context), {
        action: 'API_KEY_CREATED',
        targetType: 'ApiKey',
        targetId: inserted.id,
        after: { name, prefix: apiKeyPrefix(inserted.lookup_id), scopes, expiresAt },
      });
      return inserted;
    });
    this.log.info({ userId: viewer.id, apiKeyId: row.id, scopes }, 'api key created');
    return { apiKey: toApiKey(row), secret: secret.key };
  }

  /** The owner's keys that still work or may (not revoked; expired ones included), newest first. */
  async list(context: RequestContext): Promise<ApiKey[]> {
    const viewer = personOnly(context);
    const rows = await queryRows<ApiKeyRow>(
      this.db,
      `SELECT ${COLUMNS} FROM api_keys WHERE owner_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id`,
      [viewer.id],
    );
    return rows.map(toApiKey);
  }

  /** Another vendor's key, or one revoked already, is NOT_FOUND alike: a refusal confirms nothing. */
  async revoke(context: RequestContext, apiKeyId: string): Promise<ApiKey> {
    const viewer = personOnly(context);
    const row = await this.db.transaction(async (manager) => {
      const [revoked] = await queryRows<ApiKeyRow>(
        manager,
        `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND owner_id = $2 AND revoked_at IS NULL
          RETURNING ${COLUMNS}`,
        [apiKeyId, viewer.id],
      );
      if (!revoked) throw notFound('API key');
      await recordAudit(manager, this.outbox, requestOrigin(context), {
        action: 'API_KEY_REVOKED',
        targetType: 'ApiKey',
        targetId: revoked.id,
        after: { name: revoked.name, prefix: apiKeyPrefix(revoked.lookup_id) },
      });
      return revoked;
    });
    this.log.info({ userId: viewer.id, apiKeyId }, 'api key revoked');
    return toApiKey(row);
  }

  /**
   * The gateway's exchange: a valid key of an active vendor gives a short-lived access token
   * of the owner carrying the key's id and scopes; anything else gives undefined, the same for
   * every reason (unknown, wrong secret, revoked, expired, owner no longer an active vendor).
   * The secret's hash is compared in constant time, against a dummy when no row matched.
   */
  async grant(key: string): Promise<ApiKeyGrant | undefined> {
    const parsed = parseApiKey(key);
    if (!parsed) return undefined;
    const [row] = await queryRows<{
      id: string;
      owner_id: string;
      secret_hash: Buffer;
      scopes: string[];
      usable: boolean;
      role: Role;
      session_version: number;
    }>(
      this.db,
      `SELECT k.id, k.owner_id, k.secret_hash, k.scopes, u.role, u.session_version,
              (k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
                AND u.erased_at IS NULL
                AND NOT (u.suspended_at IS NOT NULL AND (u.suspended_until IS NULL OR u.suspended_until > now()))
              ) AS usable
         FROM api_keys k JOIN users u ON u.id = k.owner_id WHERE k.lookup_id = $1`,
      [parsed.lookupId],
    );
    if (!secretMatches(parsed.secretHash, row?.secret_hash) || !row.usable || row.role !== Role.VENDOR)
      return undefined;
    await this.db.query(
      `UPDATE api_keys SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '${LAST_USE_INTERVAL}')`,
      [row.id],
    );
    // As a sign-in does: the version record may be missing (a flushed Redis), and verifiers refuse tokens without one.
    await this.sessionVersions
      .raise(row.owner_id, row.session_version)
      .catch((error: Error) => this.log.warn({ err: error.message }, 'session version not published'));
    const viewer = { id: row.owner_id, role: row.role, apiKey: { id: row.id, scopes: row.scopes } };
    return {
      accessToken: this.signer.sign(viewer, row.session_version, API_KEY_GRANT_TTL_SECONDS),
      expiresIn: API_KEY_GRANT_TTL_SECONDS,
      apiKeyId: row.id,
    };
  }
}

/** Keys are managed by the person only: a key managing keys could make itself a new, broader one. */
function personOnly(context: RequestContext): Viewer {
  const viewer = requireViewer(context);
  if (viewer.apiKey) throw forbidden('API keys may not manage API keys', 'API_KEY_NOT_ALLOWED');
  return viewer;
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return Object.assign(new ApiKey(), {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    prefix: apiKeyPrefix(row.lookup_id),
    scopes: row.scopes as ApiKeyScope[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  });
}
