import { context } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';

/**
 * One structured line per HTTP request that is not GraphQL (the REST edge, webhooks), the
 * counterpart of the operation line: method, status, duration, whether the client went away
 * first, and what `fields` name. Never the path or query: download, export and upload paths
 * carry signed tokens, which are credentials. Logged in the request's trace, so the line
 * carries its trace id.
 */
export function requestLogMiddleware(log: Logger, fields: Record<string, string>): RequestHandler {
  return (req, res, next) => {
    const startedAt = performance.now();
    res.once(
      'close',
      context.bind(context.active(), () => {
        const durationMs = Math.round((performance.now() - startedAt) * 10) / 10;
        const aborted = !res.writableFinished;
        log.info({ ...fields, method: req.method, status: res.statusCode, durationMs, aborted }, 'http request');
      }),
    );
    next();
  };
}
