import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { AccessTokenSigner } from '../auth/access-token';
import { SessionVersions, createSessionVersions } from '../auth/session-versions';
import { loadTokenKeys } from '../auth/keys';
import type { Role } from '../contracts/roles';
import { readCommonConfig } from '../config';
import { queryRows } from '../data/sql';
import { AppError, FieldError } from '../errors';
import type { Envelope } from '../events/envelope';
import type { InputCheck } from '../validation';
import type { TestSubgraph } from './subgraph';

/**
 * Makes fresh directories under the OS temp dir, all removed once the calling test file's
 * tests are done. Call it at the top of a test file.
 */
export function temporaryDirectories(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

/** How often the polling helpers look again. */
const POLL_INTERVAL_MS = 20;

/** Retries `attempt` until it returns a value (not undefined), for effects that arrive asynchronously (events, mail). */
export async function until<T>(
  attempt: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

let signer: AccessTokenSigner | undefined;
/** Open while registrations are pending; closed when none is, so a test file leaves no Redis connection behind. */
let sessions: SessionVersions | undefined;
const pendingSessions = new Set<Promise<unknown>>();

/** The session version of every `tokenFor` token: a test that ends a user's session sees them refused, as a client would. */
export const TEST_SESSION_VERSION = 1;

/**
 * An access token for any user and role, signed with this test run's keys (DATA_DIR from
 * the global setup), whose session it records as the users subgraph does at sign-in
 * (SESSION_KEY_PREFIX from the global setup): gateways and subgraphs refuse tokens of
 * subjects without one. The test clients wait for the record before they send the token.
 */
export function tokenFor(userId: string, role: Role | 'CUSTOMER' | 'VENDOR' | 'ADMIN', ttlSeconds?: number): string {
  const config = readCommonConfig();
  signer ??= new AccessTokenSigner(loadTokenKeys(config).privateKeyPem!, config.jwt);
  recordTestSession(userId);
  return signer.sign({ id: userId, role: role as Role }, TEST_SESSION_VERSION, ttlSeconds);
}

/**
 * A correctly signed, unexpired token whose subject has no session record: a user who does
 * not exist (or a token minted with a leaked key). Every process must refuse it.
 */
export function tokenOfUnknownUser(userId: string, role: Role | 'CUSTOMER' | 'VENDOR' | 'ADMIN'): string {
  const config = readCommonConfig();
  signer ??= new AccessTokenSigner(loadTokenKeys(config).privateKeyPem!, config.jwt);
  return signer.sign({ id: userId, role: role as Role }, TEST_SESSION_VERSION);
}

/** A JWT with exactly `claims` (none added, `exp` included only if given), signed RS256 with `privateKeyPem`. */
export function jwtWithClaims(claims: Record<string, unknown>, privateKeyPem: string): string {
  return jwt.sign(claims, privateKeyPem, { algorithm: 'RS256' });
}

/** Records a session at TEST_SESSION_VERSION for a token a test signs itself; `sessionsRecorded` waits for it. */
export function recordTestSession(userId: string): void {
  const store = (sessions ??= createSessionVersions(readCommonConfig()));
  const registration: Promise<unknown> = store.raise(userId, TEST_SESSION_VERSION).finally(() => {
    pendingSessions.delete(registration);
    if (pendingSessions.size === 0 && sessions === store) {
      sessions = undefined;
      void store.close();
    }
  });
  pendingSessions.add(registration);
}

/** Resolves once every session `tokenFor` recorded so far is in the store. */
export async function sessionsRecorded(): Promise<void> {
  await Promise.all(pendingSessions);
}

/**
 * Runs `work` and returns the SQL statements the subgraph's DataSource sent meanwhile.
 * TypeORM reports every statement to its DataSource's logger, logging on or not. The event
 * relay and consumer share the DataSource in the background: their statements are left out.
 */
export async function sqlDuring<T>(
  target: TestSubgraph,
  work: () => Promise<T>,
): Promise<{ result: T; statements: string[] }> {
  const logger = target.subgraph.deps.db.logger;
  const statements: string[] = [];
  const original = logger.logQuery.bind(logger);
  logger.logQuery = (query, ...rest) => {
    if (!/\b(outbox|inbox)\b/.test(query)) statements.push(query);
    return original(query, ...rest);
  };
  try {
    return { result: await work(), statements };
  } finally {
    logger.logQuery = original;
  }
}

/** The envelopes a subgraph recorded for one aggregate, in write order (`Payload`: what the caller knows they carry). */
export async function outboxOf<Payload = Record<string, unknown>>(
  target: TestSubgraph,
  aggregateId: string,
): Promise<Envelope<Payload>[]> {
  const rows = await queryRows<{ envelope: Envelope<Payload> }>(
    target.subgraph.deps.db,
    `SELECT envelope FROM outbox WHERE aggregate_id = $1 ORDER BY position`,
    [aggregateId],
  );
  return rows.map((row) => row.envelope);
}

/** Hands an event to the subgraph's consumer and waits until every handler of it has committed (or it was dead-lettered). */
export async function deliver(target: TestSubgraph, envelope: Envelope, timeoutMs = 10_000): Promise<void> {
  await target.subgraph.events.transport.publish(envelope);
  await until(
    async () => {
      const [{ handled, dead }] = await queryRows<{ handled: number; dead: number }>(
        target.subgraph.deps.db,
        `SELECT (SELECT count(*)::int FROM inbox WHERE event_id = $1) AS handled,
                (SELECT count(*)::int FROM dead_letters WHERE body::jsonb->>'id' = $1::text) AS dead`,
        [envelope.id],
      );
      return handled > 0 || dead > 0 ? true : undefined;
    },
    `${envelope.type} ${envelope.id} to be handled`,
    timeoutMs,
  );
}

/** Runs `run` on `check` and returns the problems `done()` reports as BAD_USER_INPUT (empty when the input is fine). */
export function inputProblems<C extends InputCheck>(check: C, run: (check: C) => unknown): FieldError[] {
  run(check);
  try {
    check.done();
    return [];
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    return error.extensions.fields as FieldError[];
  }
}
