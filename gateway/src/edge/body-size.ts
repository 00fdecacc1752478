import type { ErrorRequestHandler, RequestHandler } from 'express';
import { routeErrorBody } from '@marketplace/kit';

/**
 * Refuses a request whose declared `Content-Length` is over `maxBytes` with a 413 at once,
 * from the header, without reading (or waiting for) the body and before anything is
 * proxied: a client that announces 100 MiB + 1 and sends nothing gets its answer now,
 * not when a timeout fires. A body sent chunked (no length) is bounded by whoever reads
 * it (express.json for GraphQL, the subgraph for REST routes).
 */
export function refuseDeclaredOversize(maxBytes: number, what: string): RequestHandler {
  return (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    if (!Number.isFinite(declared) || declared <= maxBytes) return next();
    // The body stays unread: close the connection after the answer instead of draining it.
    res.setHeader('connection', 'close');
    res.status(413).json(routeErrorBody(`The ${what} is larger than ${maxBytes} bytes`, 'PAYLOAD_TOO_LARGE'));
  };
}

/**
 * Answers `Expect: 100-continue` only once the checks that refuse from the headers have
 * passed: the gateway's server hands such requests to the app unanswered (`checkContinue`),
 * so a client that waits before sending an oversize body is refused without being invited
 * to send it.
 */
export const continueIfExpected: RequestHandler = (req, res, next) => {
  if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
  next();
};

/** body-parser's refusal of a body that grew past its limit (sent chunked, so no length to refuse up front). */
export const payloadTooLargeHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  const type = typeof error === 'object' && error !== null && 'type' in error ? error.type : undefined;
  if (type !== 'entity.too.large' || res.headersSent) return next(error);
  res.setHeader('connection', 'close');
  res.status(413).json(routeErrorBody((error as Error).message, 'PAYLOAD_TOO_LARGE'));
};
