import type { Express, Request, Response } from 'express';
import { Logger, answerUploadError, requestIdFrom, routeErrorBody, uploadBodyOf } from '@marketplace/kit';
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
            uploadBodyOf(req),
            requestLog,
            contentTypeOf(req.headers['content-type']),
            requestId,
          ),
        );
      } catch (error) {
        // A client gone mid-upload gets no answer; the storage kept nothing.
        answerUploadError(req, res, error, requestLog, 'artifact upload');
      }
    });
    app.all('/uploads/:token', (_req, res) => {
      res.setHeader('allow', 'PUT');
      res.status(405).json(routeErrorBody('Upload links take one PUT of the artifact', 'METHOD_NOT_ALLOWED'));
    });
  };
}
