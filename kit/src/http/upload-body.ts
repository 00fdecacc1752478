import { PassThrough, Readable } from 'node:stream';
import type { Request, Response } from 'express';
import type { Logger } from '../logger';
import { answerRouteError } from '../route-refusal';

/**
 * An upload's body as a stream of its own: when the reader gives up on it (too large), only
 * this stream is destroyed, never the request's socket, so the 413 can still be sent. A
 * client that disconnects mid-upload fails the stream (and the storage discards the part).
 */
export function uploadBodyOf(req: Request): Readable {
  const body = new PassThrough();
  req.on('error', (error) => body.destroy(error));
  req.on('close', () => {
    if (!req.complete) body.destroy(new Error('the client closed the upload before its end'));
  });
  req.pipe(body);
  return body;
}

/**
 * Answers an upload route's failure. A client gone mid-upload gets no answer (there is no one
 * to read it); otherwise the bytes not read yet stay unread and the connection closes after
 * the answer, instead of draining a body that was refused.
 */
export function answerUploadError(req: Request, res: Response, error: unknown, log: Logger, what: string): void {
  if (res.headersSent || !res.socket || res.socket.destroyed) {
    log.info({ reason: (error as Error).message }, `${what} abandoned`);
    return;
  }
  if (!req.complete) res.setHeader('connection', 'close');
  answerRouteError(res, error, log, what);
}
