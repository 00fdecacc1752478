import type { Express } from 'express';
import { GatewaySigner, Headers, IDENTITY_SIGNATURE_HEADER, Logger, requestIdFrom } from '@marketplace/kit';
import type { ApiKeyService } from './api-key.service';

/** Where the gateway exchanges an API key for a token (never forwarded by the gateway's REST edge). */
export const API_KEY_GRANT_PATH = '/internal/api-key-grants';
/** The header carrying the key to that route. */
export const API_KEY_HEADER = 'x-api-key';

/**
 * `POST /internal/api-key-grants` with the key in `x-api-key`: for the gateway only, so the
 * request must carry the gateway's valid identity signature (`x-gateway-signature` over the
 * method and path, 60 s fresh). Answers 200 `{ accessToken, expiresIn, apiKeyId }` for a usable
 * key and 401 for anything else, one answer for every reason.
 */
export function apiKeyGrantRoutes(keys: ApiKeyService, signer: GatewaySigner, log: Logger) {
  return (app: Express): void => {
    app.post(API_KEY_GRANT_PATH, async (req, res, next) => {
      try {
        const identity = {
          method: req.method,
          path: req.originalUrl,
          clientIp: req.headers[Headers.clientIp] as string | undefined,
          requestId: req.headers[Headers.requestId] as string | undefined,
        };
        const signature = req.headers[IDENTITY_SIGNATURE_HEADER];
        if (typeof signature !== 'string' || signer.verifyIdentity(signature, identity) !== 'valid') {
          res.status(403).json({ error: 'For the gateway only' });
          return;
        }
        const key = req.headers[API_KEY_HEADER];
        const grant = typeof key === 'string' ? await keys.grant(key) : undefined;
        res.setHeader('cache-control', 'no-store');
        if (!grant) {
          log.info({ requestId: requestIdFrom(req.headers) }, 'api key refused');
          res.status(401).json({ error: 'Invalid API key' });
          return;
        }
        res.status(200).json(grant);
      } catch (error) {
        next(error);
      }
    });
  };
}
