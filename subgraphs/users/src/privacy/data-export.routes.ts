import { pipeline } from 'node:stream/promises';
import type { Express, Request, Response } from 'express';
import { AccessTokenVerifier, Logger, Viewer, answerRouteError, requestIdFrom } from '@marketplace/kit';
import { DataExportRefused, DataExportService } from './data-export.service';

/**
 * `GET /exports/:token` (reached through the gateway's REST edge): streams a READY export's
 * JSON document to its owner. The link alone is not enough: the request must also carry the
 * owner's access token (`Authorization: Bearer`), so a leaked link gives nothing away.
 * Refusals are a small JSON error: 401 no or bad access token, 403 forged link or another
 * user, 410 expired link or export, 404 document missing from storage.
 */
export function dataExportRoutes(exports: DataExportService, verifier: AccessTokenVerifier, log: Logger) {
  return (app: Express): void => {
    app.get('/exports/:token', async (req: Request<{ token: string }>, res: Response) => {
      const requestLog = log.child({ requestId: requestIdFrom(req.headers), route: 'data-export' });
      try {
        const viewer = await viewerOf(verifier, req.headers.authorization);
        const found = await exports.open(req.params.token, viewer?.id ?? null);
        const body = await exports.read(found.storageKey).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') throw new DataExportRefused(404, 'NOT_FOUND', 'The export document is missing');
          throw error;
        });
        res.status(200);
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.setHeader('content-disposition', `attachment; filename="${found.fileName}"`);
        res.setHeader('cache-control', 'private, no-store');
        requestLog.info({ viewerId: viewer?.id }, 'data export downloaded');
        await pipeline(body, res);
      } catch (error) {
        if (res.headersSent) {
          requestLog.info({ reason: (error as Error).message }, 'data export download ended early');
          res.destroy();
          return;
        }
        answerRouteError(res, error, requestLog, 'data export download');
      }
    });
  };
}

/** The signed-in caller, or null; an invalid or ended access token is a 401 like a missing one. */
async function viewerOf(verifier: AccessTokenVerifier, header: string | undefined): Promise<Viewer | null> {
  try {
    return await verifier.fromAuthorizationHeader(header);
  } catch {
    throw new DataExportRefused(401, 'UNAUTHENTICATED', 'Sign in as the owner of this export');
  }
}
