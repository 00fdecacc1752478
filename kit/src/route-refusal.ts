import type { Response } from 'express';
import type { Logger } from './logger';

/** Why a REST route (an upload, a download) refused a request: the HTTP status and error code it answers with. */
export class RouteRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A REST route's error in the shape clients know from GraphQL answers. */
export function routeErrorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/**
 * Answers a REST route's failure: a refusal with its own status and code (logged as
 * `<what> refused`), anything else as a 500 that tells nothing internal (logged as
 * `<what> failed`).
 */
export function answerRouteError(res: Response, error: unknown, log: Logger, what: string): void {
  if (error instanceof RouteRefusal) {
    log.info({ status: error.status, reason: error.message }, `${what} refused`);
    res.status(error.status).json(routeErrorBody(error.message, error.code));
  } else {
    log.error({ err: error }, `${what} failed`);
    res.status(500).json(routeErrorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
  }
}

/** The HTTP status a REST route answers for a GraphQL error code its shared checks throw. */
const STATUS_OF_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  BAD_USER_INPUT: 400,
};

/**
 * Runs checks shared with the GraphQL API inside a REST route: their GraphQL errors
 * (`forbidden`, `conflict`…) become RouteRefusals with the matching status and code.
 */
export async function asRouteRefusal<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as { extensions?: { code?: string } }).extensions?.code;
    const status = STATUS_OF_CODE[code ?? ''];
    if (status && !(error instanceof RouteRefusal)) throw new RouteRefusal(status, code!, (error as Error).message);
    throw error;
  }
}
