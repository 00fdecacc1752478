import { createHmac, timingSafeEqual } from 'node:crypto';
import { defaultParamsSerializer } from '@graphql-mesh/hmac-upstream-signature';
import { Headers } from '../context';

/** Hive Gateway's default `extensionName`: where the body signature travels, `extensions["hmac-signature"]`. */
export const BODY_SIGNATURE_EXTENSION = 'hmac-signature';
/** The header that signs the forwarded identity (client IP, request id, method, path) with a timestamp. */
export const IDENTITY_SIGNATURE_HEADER = 'x-gateway-signature';
/** How far an identity signature's timestamp may be from the subgraph's clock, either way: a captured one replays no longer. */
export const IDENTITY_SIGNATURE_MAX_AGE_SECONDS = 60;
/** Versions the canonical form, so a later change cannot be confused with this one. */
const IDENTITY_SCHEME = 'marketplace-gateway-identity/v1';

/** The GraphQL parameters a body signature covers (Hive's `defaultParamsSerializer`: query and non-empty variables). */
export interface SignedParams {
  query?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/** What the gateway vouches for on a forwarded request; absent values sign as empty. */
export interface ForwardedIdentity {
  method: string;
  /** The path and query string as the subgraph receives them (`req.originalUrl`). */
  path: string;
  clientIp?: string;
  requestId?: string;
  /** The request's body signature, binding this identity to that body; none on REST routes. */
  bodySignature?: string;
}

export type IdentityVerdict = 'valid' | 'absent' | 'malformed' | 'stale' | 'mismatch';

/**
 * The gateway → subgraph signatures, one shared secret for both:
 *
 * - the body, exactly as Hive Gateway's `useHmacUpstreamSignature` signs it (HMAC-SHA256 of
 *   `defaultParamsSerializer({ query, variables })`, base64, in `extensions["hmac-signature"]`),
 *   so Hive Gateway with that plugin and the same secret may call the subgraphs too;
 * - the identity Hive's scheme leaves out: `x-gateway-signature: t=<unix s>,v1=<base64url>`, an
 *   HMAC over the timestamp, method, path, `x-client-ip`, `x-request-id` and the body signature.
 */
export class GatewaySigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    // Hive imports the secret's UTF-8 bytes as the raw HMAC key; so does this.
    this.key = Buffer.from(secret, 'utf8');
  }

  /** The base64 body signature of these parameters, Hive's format. */
  signParams(params: SignedParams): string {
    return this.mac(serializeParams(params), 'base64');
  }

  /** The body with its signature added to `extensions`, keeping `query` first (single flight reads the body's start). */
  signBody<T extends SignedParams>(body: T): T & { extensions: Record<string, unknown> } {
    const extensions = { ...(body.extensions as Record<string, unknown> | undefined) };
    extensions[BODY_SIGNATURE_EXTENSION] = this.signParams(body);
    return { ...body, extensions };
  }

  /** Whether `body` carries a valid body signature: 'absent' when it carries none. */
  verifyBody(body: unknown): 'valid' | 'absent' | 'mismatch' {
    const signature = bodySignatureOf(body);
    if (signature === undefined) return 'absent';
    return sameText(signature, this.signParams(body as SignedParams)) ? 'valid' : 'mismatch';
  }

  /** The identity headers to set on a forwarded request, the signature over them included. */
  identityHeaders(identity: ForwardedIdentity, nowSeconds = unixSeconds()): Record<string, string> {
    const headers: Record<string, string> = {};
    if (identity.clientIp) headers[Headers.clientIp] = identity.clientIp;
    if (identity.requestId) headers[Headers.requestId] = identity.requestId;
    headers[IDENTITY_SIGNATURE_HEADER] =
      `t=${nowSeconds},v1=${this.mac(canonicalIdentity(identity, nowSeconds), 'base64url')}`;
    return headers;
  }

  /** Checks an `x-gateway-signature` value against the identity the request carries. */
  verifyIdentity(header: string | undefined, identity: ForwardedIdentity, nowSeconds = unixSeconds()): IdentityVerdict {
    if (header === undefined) return 'absent';
    const match = /^t=(\d{1,12}),v1=([A-Za-z0-9_-]{1,128})$/.exec(header);
    if (!match) return 'malformed';
    const timestamp = Number(match[1]);
    if (Math.abs(nowSeconds - timestamp) > IDENTITY_SIGNATURE_MAX_AGE_SECONDS) return 'stale';
    return sameText(match[2], this.mac(canonicalIdentity(identity, timestamp), 'base64url')) ? 'valid' : 'mismatch';
  }

  private mac(payload: string, encoding: 'base64' | 'base64url'): string {
    return createHmac('sha256', this.key).update(payload, 'utf8').digest(encoding);
  }
}

/** The body signature a request body carries, if it is a string. */
export function bodySignatureOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const extensions = (body as SignedParams).extensions;
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const signature = (extensions as Record<string, unknown>)[BODY_SIGNATURE_EXTENSION];
  return typeof signature === 'string' ? signature : undefined;
}

/**
 * Hive's serializer over `query` and `variables` as the subgraph will parse them: a variable
 * whose value is `undefined` vanishes in JSON, and `{}` then serializes unlike `{ a: undefined }`.
 */
function serializeParams(params: SignedParams): string {
  const variables = params.variables == null ? undefined : (JSON.parse(JSON.stringify(params.variables)) as object);
  return (
    defaultParamsSerializer({
      query: params.query as string | undefined,
      variables: variables as Record<string, unknown> | undefined,
    }) ?? ''
  );
}

/** A JSON array: no value can reach into the next one, whatever it holds. */
function canonicalIdentity(identity: ForwardedIdentity, timestamp: number): string {
  return JSON.stringify([
    IDENTITY_SCHEME,
    timestamp,
    identity.method.toUpperCase(),
    identity.path,
    identity.clientIp ?? '',
    identity.requestId ?? '',
    identity.bodySignature ?? '',
  ]);
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
