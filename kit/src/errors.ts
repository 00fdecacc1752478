import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import type { Logger } from './logger';
import type { ErrorReason } from './contracts/error-reasons';

/** The error codes every client of the supergraph can rely on (`extensions.code`), raised by resolvers. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Every value of the schema's `ErrorCode` enum with what it means for a client: the resolver
 * codes above and the request-level codes of the gateway and graphql-js (`PROTOCOL_CODES`).
 */
export const ERROR_CODE_DESCRIPTIONS: Record<ErrorCode | ProtocolCode, string> = {
  UNAUTHENTICATED:
    'Sign-in is needed, or the access token is invalid or expired; HTTP 401 when the whole request fails.',
  FORBIDDEN: 'The caller is signed in but may not do this (role, ownership or account state).',
  BAD_USER_INPUT: 'An argument is invalid; `extensions.fields` lists `{ field, message }` per invalid input path.',
  NOT_FOUND: "A mutation's subject does not exist or is not the caller's to see (the same answer for both).",
  CONFLICT: 'The request is valid but the current state refuses it; `extensions.reason` says which state.',
  RATE_LIMITED: 'Too many requests; `extensions.retryAfterSeconds` says when to retry.',
  INTERNAL_SERVER_ERROR: 'A fault on the server; the message says nothing more, the logs do.',
  COST_LIMIT_EXCEEDED: "The operation's estimated cost is over the gateway's limit; ask for less.",
  RESPONSE_TOO_LARGE: 'The answer would be larger than the gateway sends; ask for smaller pages.',
  GRAPHQL_PARSE_FAILED: 'The document is not valid GraphQL syntax.',
  GRAPHQL_VALIDATION_FAILED: 'The document does not match the schema or breaks an operation limit (depth, aliases).',
  BAD_REQUEST: 'The HTTP request itself is malformed (body, content type, size, method).',
  PERSISTED_QUERY_NOT_FOUND: 'The automatic persisted query hash is unknown; send the query text once.',
  PERSISTED_QUERY_NOT_SUPPORTED: 'Persisted queries are not accepted here.',
  OPERATION_RESOLUTION_FAILURE: 'The operation named in the request is not in the document.',
  DOWNSTREAM_SERVICE_ERROR:
    'A subgraph failed to answer; the gateway could not complete the operation. Retry a query; retry a mutation only when it is idempotent (an idempotency key, or setting a state), since it may have been applied.',
};

/** One invalid input field: `field` is the path inside the argument, e.g. `input.email`. */
export interface FieldError {
  field: string;
  message: string;
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { UNAUTHENTICATED: 401 };

export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    const status = HTTP_STATUS[code];
    super(message, { extensions: { code, ...extensions, ...(status ? { http: { status } } : {}) } });
  }
}

export const unauthenticated = (message = 'You must be signed in') => new AppError('UNAUTHENTICATED', message);
export const forbidden = (message = 'You are not allowed to do this', reason?: ErrorReason) =>
  new AppError('FORBIDDEN', message, reason ? { reason } : {});
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
/** The state refuses the change: `reason` tells the client which refusal; `fields` the inputs involved. */
export const conflict = (message: string, reason: ErrorReason, fields?: FieldError[]) =>
  new AppError('CONFLICT', message, { reason, ...(fields ? { fields } : {}) });
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError('RATE_LIMITED', `Too many attempts; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
/**
 * Refusing a change to someone else's object. One who may not even see it gets NOT_FOUND,
 * exactly as if it did not exist (a refusal must not confirm that a hidden object exists);
 * one who may see it gets FORBIDDEN with `message`.
 */
export const notYours = (what: string, visible: boolean, message: string) =>
  visible ? forbidden(message) : notFound(what);
export const badInput = (fields: FieldError[], message = 'Invalid input') =>
  new AppError('BAD_USER_INPUT', `${message}: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`, { fields });

/**
 * Codes produced by graphql-js and Apollo Server for malformed requests, and by the gateway
 * for requests over its limits (cost, response size); passed through as they are.
 */
const PROTOCOL_CODE_LIST = [
  'COST_LIMIT_EXCEEDED',
  'RESPONSE_TOO_LARGE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'DOWNSTREAM_SERVICE_ERROR',
] as const;
type ProtocolCode = (typeof PROTOCOL_CODE_LIST)[number];
const PROTOCOL_CODES = new Set<string>(PROTOCOL_CODE_LIST);

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: stripPropertyName(message, error.property),
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** class-validator messages start with the property name; the field carries it already. */
function stripPropertyName(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/**
 * Apollo Server `formatError`: known errors keep their code and details, anything else
 * becomes an opaque INTERNAL_SERVER_ERROR (logged with its stack, never sent).
 */
export function createErrorFormatter(log: Logger, options: { exposeInternals: boolean }) {
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    const error = unwrapResolverError(raw);
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    if (error instanceof ArgumentValidationError) {
      const { message, extensions: details } = badInput(flattenValidationErrors(error.extensions.validationErrors));
      return { message, locations: formatted.locations, path: formatted.path, extensions: details };
    }
    const code = extensions.code as string | undefined;
    const known =
      code !== undefined && code !== ErrorCode.INTERNAL_SERVER_ERROR && (code in ErrorCode || PROTOCOL_CODES.has(code));
    if (error instanceof AppError || known) {
      const { http: _http, ...publicExtensions } = extensions;
      return { ...formatted, extensions: publicExtensions };
    }
    log.error({ err: error }, 'unexpected error');
    return {
      message: options.exposeInternals && error instanceof Error ? error.message : 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/** Postgres unique_violation, optionally for one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const driverError =
    (error as { driverError?: { code?: string; constraint?: string } })?.driverError ??
    (error as { code?: string; constraint?: string });
  return driverError?.code === '23505' && (constraint === undefined || driverError.constraint === constraint);
}
