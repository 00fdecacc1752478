import { PassThrough, Readable } from 'node:stream';
import type { Express, Request, Response } from 'express';
import { Logger, requestIdFrom } from '@marketplace/kit';
import { ArtifactService, UploadRefused, contentTypeOf } from './artifact.service';

/**
 * `PUT /uploads/:token` (reached through the gateway's REST edge, streamed unchanged):
 * the body is the artifact. Answers `{ sha256, size, version }`, or a JSON error with
 * 403 (invalid, expired or foreign token; vendor suspended), 404, 409 (link used, version
 * taken, product archived), 413 (too large; nothing kept) or 400 (empty).
 */
export function artifactRoutes(artifacts: ArtifactService, log: Logger) {
  return (app: Express): void => {
    app.put('/uploads/:token', async (req: Request<{ token: string }>, res: Response) => {
      const requestId = requestIdFrom(req.headers);
      const requestLog = log.child({ requestId, route: 'artifact-upload' });
      try {
        const claims = artifacts.claimsOf(req.params.token);
        const declared = Number(req.headers['content-length']);
        if (Number.isFinite(declared) && declared > artifacts.maxBytes)
          throw new UploadRefused(413, 'PAYLOAD_TOO_LARGE', `The artifact is larger than ${artifacts.maxBytes} bytes`);
        await artifacts.precheck(claims);
        res.json(
          await artifacts.receive(
            claims,
            bodyOf(req),
            requestLog,
            contentTypeOf(req.headers['content-type']),
            requestId,
          ),
        );
      } catch (error) {
        if (res.headersSent || !res.socket || res.socket.destroyed) {
          // A client gone mid-upload gets no answer; the storage kept nothing.
          requestLog.info({ reason: (error as Error).message }, 'artifact upload abandoned');
          return;
        }
        // Bytes not read yet stay unread: the connection closes after the answer.
        if (!req.complete) res.setHeader('connection', 'close');
        if (error instanceof UploadRefused) {
          requestLog.info({ status: error.status, reason: error.message }, 'artifact upload refused');
          res.status(error.status).json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
        } else {
          requestLog.error({ err: error }, 'artifact upload failed');
          res
            .status(500)
            .json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        }
      }
    });
    app.all('/uploads/:token', (_req, res) => {
      res.setHeader('allow', 'PUT');
      res.status(405).json({
        errors: [{ message: 'Upload links take one PUT of the artifact', extensions: { code: 'METHOD_NOT_ALLOWED' } }],
      });
    });
  };
}

/**
 * The request body as a stream of its own: when storage gives up on it (too large), only
 * this stream is destroyed, never the request's socket, so the 413 can still be sent. A
 * client that disconnects mid-upload fails the stream (and the storage discards the part).
 */
function bodyOf(req: Request): Readable {
  const body = new PassThrough();
  req.on('error', (error) => body.destroy(error));
  req.on('close', () => {
    if (!req.complete) body.destroy(new Error('the client closed the upload before its end'));
  });
  req.pipe(body);
  return body;
}
