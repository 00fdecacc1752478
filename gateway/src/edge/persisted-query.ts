import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { routeErrorBody } from '@marketplace/kit';
import { RequestRefusalCode } from '../apollo/operation-checks';

/** Automatic persisted queries have one version. */
const APQ_VERSION = 1;

/**
 * Checks `extensions.persistedQuery` before Apollo Server does: Apollo answers a wrong
 * version or a hash that does not match the query with an error that has no code (so
 * INTERNAL_SERVER_ERROR once formatted). Here each is a 400 with its own code. A well-formed
 * hash Apollo has not seen still gets its PERSISTED_QUERY_NOT_FOUND (the protocol's cue to
 * resend with the query). Anything else malformed is left to Apollo's own 400s.
 */
export const persistedQueryChecks: RequestHandler = (req, res, next) => {
  const refusal = persistedQueryRefusal(operationFields(req));
  if (!refusal) return next();
  res.status(400).json(routeErrorBody(refusal.message, refusal.code));
};

interface OperationFields {
  query?: unknown;
  extensions?: unknown;
}

/** POST: the JSON body (a batch is refused by Apollo); GET: the search parameters, `extensions` JSON-encoded. */
function operationFields(req: Request): OperationFields {
  if (req.method === 'POST') return isObject(req.body) && !Array.isArray(req.body) ? req.body : {};
  const { query, extensions } = req.query;
  if (typeof extensions !== 'string') return {};
  try {
    return { query, extensions: JSON.parse(extensions) as unknown };
  } catch {
    return {}; // Apollo answers "The extensions search parameter contains invalid JSON."
  }
}

function persistedQueryRefusal({ query, extensions }: OperationFields): { message: string; code: string } | undefined {
  if (!isObject(extensions) || extensions.persistedQuery == null) return undefined;
  const persisted = extensions.persistedQuery;
  if (!isObject(persisted) || typeof persisted.sha256Hash !== 'string')
    return {
      message: 'extensions.persistedQuery must be an object with version and sha256Hash',
      code: RequestRefusalCode.PERSISTED_QUERY_INVALID,
    };
  if (persisted.version !== APQ_VERSION)
    return {
      message: `Unsupported persisted query version; the supported version is ${APQ_VERSION}`,
      code: RequestRefusalCode.PERSISTED_QUERY_VERSION_UNSUPPORTED,
    };
  // Apollo Server's computeQueryHash: the hex SHA-256 of the query text, compared as is.
  if (typeof query === 'string' && createHash('sha256').update(query).digest('hex') !== persisted.sha256Hash)
    return {
      message: 'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query',
      code: RequestRefusalCode.PERSISTED_QUERY_HASH_MISMATCH,
    };
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
