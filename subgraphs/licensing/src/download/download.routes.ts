import { pipeline } from 'node:stream/promises';
import type { Express, Request, Response } from 'express';
import { Logger, answerRouteError, requestIdFrom } from '@marketplace/kit';
import { parseRange } from './byte-range';
import { DownloadRefused, DownloadService } from './download.service';

/**
 * `GET /downloads/:token` (reached through the gateway's REST edge): streams the build the
 * link was made for from the shared object storage, whole (200) or one byte range (206),
 * with its checksum. Refusals are a small JSON error: 403 forged link or license no longer
 * ACTIVE, 410 expired link, 416 unsatisfiable range, 404 build missing from storage.
 */
export function downloadRoutes(downloads: DownloadService, log: Logger) {
  return (app: Express): void => {
    app.get('/downloads/:token', async (req: Request<{ token: string }>, res: Response) => {
      const requestId = requestIdFrom(req.headers);
      const requestLog = log.child({ requestId, route: 'download' });
      try {
        const claims = await downloads.open(req.params.token);
        const wanted = parseRange(req.headers.range, claims.size);
        res.setHeader('accept-ranges', 'bytes');
        res.setHeader('etag', `"${claims.sha256}"`);
        res.setHeader('x-checksum-sha256', claims.sha256);
        res.setHeader('cache-control', 'private, no-store');
        if (wanted.kind === 'unsatisfiable') {
          res.setHeader('content-range', `bytes */${claims.size}`);
          throw new DownloadRefused(416, 'RANGE_NOT_SATISFIABLE', `The file has ${claims.size} bytes`);
        }
        const range = wanted.kind === 'range' ? wanted.range : null;
        const length = range ? range.end - range.start + 1 : claims.size;
        const body = await downloads.read(claims, range ?? undefined).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') throw new DownloadRefused(404, 'NOT_FOUND', 'The file of this build is missing');
          throw error;
        });
        res.status(range ? 206 : 200);
        if (range) res.setHeader('content-range', `bytes ${range.start}-${range.end}/${claims.size}`);
        res.setHeader('content-type', claims.contentType);
        res.setHeader('content-length', String(length));
        res.setHeader('content-disposition', `attachment; filename="${claims.fileName}"`);
        if (req.method === 'HEAD') {
          body.destroy();
          res.end();
          return;
        }
        // Counted when it starts: a resumed download shows up as its ranges.
        await downloads.record(claims, length, range, requestId);
        requestLog.info({ licenseId: claims.lid, version: claims.version, bytes: length, range }, 'download started');
        await pipeline(body, res);
      } catch (error) {
        if (res.headersSent) {
          // The client went away (or the disk failed) mid-stream: nothing more can be said.
          requestLog.info({ reason: (error as Error).message }, 'download ended early');
          res.destroy();
          return;
        }
        answerRouteError(res, error, requestLog, 'download');
      }
    });
  };
}
