import type { Express, Request, Response } from 'express';
import { requestIdFrom } from '../context';
import { answerUploadError, uploadBodyOf } from '../http/upload-body';
import type { Logger } from '../logger';
import { RouteRefusal, answerRouteError, routeErrorBody } from '../route-refusal';
import { MEDIA_CACHE_CONTROL } from './media-config';
import type { MediaLibrary } from './media-library';

/**
 * The routes of one media library, under its prefix (reached through the gateway's REST
 * edge, e.g. `/media/products=catalog`):
 * - `PUT <prefix>/uploads/:token`: the body is the image. Answers what the owner's `record`
 *   returns, or a JSON error: 403 (invalid, expired or foreign link), 404, 409 (link used…),
 *   413 (too many bytes), 415 (not PNG, JPEG or WebP, by its bytes), 422 (too many pixels),
 *   400 (empty or damaged).
 * - `GET <prefix>/:mediaId/:file`: the original or a variant, immutable (a new upload is a
 *   new id): `Cache-Control: public, max-age=31536000, immutable`, a strong ETag, 304 when
 *   `If-None-Match` matches (Express's `req.fresh`), `X-Content-Type-Options: nosniff`,
 *   `Cross-Origin-Resource-Policy: cross-origin`; 404 JSON for anything unknown.
 */
export function mediaRoutes<C extends object, R>(library: MediaLibrary<C, R>, log: Logger) {
  const prefix = library.routePrefix;
  return (app: Express): void => {
    app.put(`${prefix}/uploads/:token`, async (req: Request<{ token: string }>, res: Response) => {
      const requestLog = log.child({ requestId: requestIdFrom(req.headers), route: 'media-upload', prefix });
      try {
        const upload = library.verifyUpload(req.params.token);
        const declared = Number(req.headers['content-length']);
        if (Number.isFinite(declared) && declared > library.maxBytes)
          throw new RouteRefusal(413, 'PAYLOAD_TOO_LARGE', `The image is larger than ${library.maxBytes} bytes`);
        await library.precheck(upload);
        res.json(await library.receive(upload, uploadBodyOf(req), requestLog));
      } catch (error) {
        answerUploadError(req, res, error, requestLog, 'media upload');
      }
    });
    app.all(`${prefix}/uploads/:token`, (_req, res) => {
      res.setHeader('allow', 'PUT');
      res.status(405).json(routeErrorBody('Upload links take one PUT of the image', 'METHOD_NOT_ALLOWED'));
    });
    app.get(`${prefix}/:mediaId/:file`, async (req: Request<{ mediaId: string; file: string }>, res: Response) => {
      try {
        const found = await library.open(req.params.mediaId, req.params.file);
        if (!found) {
          res.status(404).json(routeErrorBody('No such media file', 'NOT_FOUND'));
          return;
        }
        // The bytes under a URL never change, so the URL itself is a strong validator.
        res.set({
          'cache-control': MEDIA_CACHE_CONTROL,
          etag: `"${req.params.mediaId}-${req.params.file}"`,
          'x-content-type-options': 'nosniff',
          // Storefronts on other origins show these in <img> (the gateway's default is same-origin).
          'cross-origin-resource-policy': 'cross-origin',
          'content-type': found.contentType,
        });
        if (req.fresh) {
          res.status(304).end();
          return;
        }
        res.setHeader('content-length', found.size);
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        const body = await found.read();
        body.on('error', (error) => {
          log.warn({ err: error, path: req.originalUrl }, 'media file read failed');
          res.destroy(error);
        });
        body.pipe(res);
      } catch (error) {
        answerRouteError(res, error, log.child({ route: 'media-file', prefix }), 'media file');
      }
    });
    app.all(`${prefix}/:mediaId/:file`, (_req, res) => {
      res.setHeader('allow', 'GET, HEAD');
      res.status(405).json(routeErrorBody('Media files are only read', 'METHOD_NOT_ALLOWED'));
    });
  };
}
