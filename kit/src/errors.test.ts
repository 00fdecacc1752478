import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { Max, Min, ValidateNested, validate } from 'class-validator';
import {
  AppError,
  badInput,
  conflict,
  createErrorFormatter,
  forbidden,
  isUniqueViolation,
  notFound,
  rateLimited,
  unauthenticated,
} from './errors';
import { createLogger } from './logger';
import { LogCapture } from './testing/log-capture';

/** What Apollo hands `formatError`: the error as JSON (`http` and `stacktrace` included) plus the raw error. */
function formattedOf(error: GraphQLError): GraphQLFormattedError {
  return { ...error.toJSON(), extensions: { ...error.extensions, stacktrace: ['Error: boom', '    at secret.ts:1'] } };
}

/** A resolver error as graphql-js reports it: wrapped, with a path. */
function asResolverError(original: Error): GraphQLError {
  return new GraphQLError(original.message, { path: ['user'], originalError: original });
}

function formatterWithLogs(exposeInternals = false) {
  const logs = new LogCapture();
  return { logs, format: createErrorFormatter(createLogger({ name: 'test', destination: logs }), { exposeInternals }) };
}

describe('AppError helpers', () => {
  it.each([
    [unauthenticated(), 'UNAUTHENTICATED', 'You must be signed in'],
    [forbidden(), 'FORBIDDEN', 'You are not allowed to do this'],
    [notFound('User'), 'NOT_FOUND', 'User not found'],
    [conflict('Taken', 'EMAIL_TAKEN'), 'CONFLICT', 'Taken'],
    [rateLimited(30), 'RATE_LIMITED', 'Too many attempts; try again in 30 s'],
  ])('%s carries its code', (error, code, message) => {
    expect(error).toBeInstanceOf(AppError);
    expect(error.extensions.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it('sets HTTP 401 on UNAUTHENTICATED only', () => {
    expect(unauthenticated().extensions.http).toEqual({ status: 401 });
    expect(forbidden().extensions.http).toBeUndefined();
    expect(rateLimited(5).extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 5 });
  });

  it('badInput lists every field in its message and extensions', () => {
    const error = badInput([
      { field: 'input.email', message: 'must be a valid email address' },
      { field: 'input.password', message: 'is too common' },
    ]);
    expect(error.message).toBe(
      'Invalid input: input.email must be a valid email address; input.password is too common',
    );
    expect(error.extensions.fields).toHaveLength(2);
  });
});

describe('createErrorFormatter', () => {
  it('passes an AppError through with its details, without `http` or a stack trace', () => {
    const { format, logs } = formatterWithLogs();
    const error = unauthenticated('Access token expired');
    expect(format(formattedOf(error), error)).toEqual({
      message: 'Access token expired',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const fields = [{ field: 'input.email', message: 'is taken by another account' }];
    const taken = conflict('An account with this email already exists', 'EMAIL_TAKEN', fields);
    const wrapped = asResolverError(taken);
    expect(format(formattedOf(wrapped), wrapped)).toEqual({
      message: 'An account with this email already exists',
      path: ['user'],
      extensions: { code: 'CONFLICT', reason: 'EMAIL_TAKEN', fields },
    });
    expect(logs.lines).toHaveLength(0);
  });

  it('passes graphql-js and Apollo protocol errors through', () => {
    const { format } = formatterWithLogs();
    const error = new GraphQLError('Cannot query field "x" on type "Query".', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(format(formattedOf(error), error)).toEqual({
      message: 'Cannot query field "x" on type "Query".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('turns an unknown error into an opaque INTERNAL_SERVER_ERROR and logs it with its stack', () => {
    const { format, logs } = formatterWithLogs();
    const secret = new Error('connect ECONNREFUSED 10.0.0.5:5432 (password=hunter2)');
    const wrapped = asResolverError(secret);
    const result = format(formattedOf(wrapped), wrapped);
    expect(result).toEqual({
      message: 'Internal server error',
      path: ['user'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(result)).not.toContain('hunter2');
    const [record] = logs.records();
    expect(record).toMatchObject({
      level: 'error',
      msg: 'unexpected error',
      err: { message: secret.message, type: 'Error' },
    });
    expect(record.err?.stack).toContain('errors.test');
  });

  it('masks errors carrying an unknown code, and non-Error values', () => {
    const { format, logs } = formatterWithLogs();
    const odd = new GraphQLError('library detail', { extensions: { code: 'SOME_LIBRARY_CODE' } });
    expect(format(formattedOf(odd), odd)).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(format({ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, 'a thrown string').message).toBe(
      'Internal server error',
    );
    expect(logs.records()).toHaveLength(2);
  });

  it('shows the real message of an internal error only when asked to (development)', () => {
    const { format } = formatterWithLogs(true);
    const wrapped = asResolverError(new Error('relation "users" does not exist'));
    expect(format(formattedOf(wrapped), wrapped)).toEqual({
      message: 'relation "users" does not exist',
      path: ['user'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('turns a type-graphql ArgumentValidationError into BAD_USER_INPUT with flattened fields', async () => {
    class Inner {
      @Min(1)
      size = 0;
    }
    class Args {
      @Max(100)
      first = 101;

      @ValidateNested()
      inner = new Inner();
    }
    const validationErrors = await validate(new Args());
    const wrapped = asResolverError(new ArgumentValidationError(validationErrors));
    const { format, logs } = formatterWithLogs();
    const result = format(formattedOf(wrapped), wrapped);
    expect(result).toEqual({
      message: 'Invalid input: first must not be greater than 100; inner.size must not be less than 1',
      path: ['user'],
      locations: undefined,
      extensions: {
        code: 'BAD_USER_INPUT',
        fields: [
          { field: 'first', message: 'must not be greater than 100' },
          { field: 'inner.size', message: 'must not be less than 1' },
        ],
      },
    });
    expect(logs.lines).toHaveLength(0);
  });
});

describe('isUniqueViolation', () => {
  const typeormError = (code: string, constraint?: string) =>
    Object.assign(new Error('query failed'), { driverError: { code, constraint } });

  it('recognises unique_violation from TypeORM and from pg directly', () => {
    expect(isUniqueViolation(typeormError('23505', 'users_email_key'))).toBe(true);
    expect(
      isUniqueViolation(Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'users_email_key' })),
    ).toBe(true);
  });

  it('matches the named constraint only', () => {
    expect(isUniqueViolation(typeormError('23505', 'users_email_key'), 'users_email_key')).toBe(true);
    expect(isUniqueViolation(typeormError('23505', 'refresh_tokens_hash_key'), 'users_email_key')).toBe(false);
  });

  it.each([
    ['a foreign key violation', typeormError('23503', 'users_email_key')],
    ['a plain error', new Error('23505')],
    ['null', null],
    ['undefined', undefined],
    ['a string', '23505'],
  ])('is false for %s', (_label, error) => {
    expect(isUniqueViolation(error)).toBe(false);
  });
});
