import type { Express, Request, RequestHandler, Response } from 'express';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createProxyMiddleware } from 'http-proxy-middleware';
import {
  ConfigError,
  GatewaySigner,
  IDENTITY_SIGNATURE_HEADER,
  Logger,
  requestLogMiddleware,
  routeErrorBody,
} from '@marketplace/kit';
import { continueIfExpected, refuseDeclaredOversize } from './body-size';
import { pathRefusal } from './forward-path';
import { RestEdgeLimiters, restEdgeRateLimit } from './rest-edge-rate-limit';
import { RestEdgeApiKeyDeps, restEdgeApiKeys } from './rest-edge-api-keys';
import { isApiKeyAuthorization } from './api-key-exchange';
import { clientIpOf, requestIdOf } from './request-context';

/** A REST route the gateway forwards, byte for byte, to the subgraph that owns it. */
export interface RestEdgeRoute {
  prefix: string;
  subgraph: string;
  /** A declared `Content-Length` above this is refused with 413 before anything is forwarded. */
  maxBodyBytes: number;
}

/** Uploads and downloads stream large bodies; a stalled peer is cut after this long. */
export const DEFAULT_REST_EDGE_TIMEOUT_MS = 120_000;

/**
 * ARCHITECTURE §5: Stripe webhooks to payments, artifact uploads to catalog, downloads to
 * licensing, data exports to users, one-click unsubscribes (RFC 8058) to notifications,
 * invoice and credit note PDFs to billing,
 * product images (uploads and files) to catalog, avatars to users, vendor logos and
 * banners to vendor.
 */
export const DEFAULT_REST_EDGE_ROUTES =
  '/webhooks/stripe=payments,/uploads=catalog,/downloads=licensing,/licensing=licensing,/exports=users,/unsubscribe=notifications,/invoices=billing,/media/products=catalog,/media/users=users,/media/vendors=vendor';

/** The route artifact uploads take: its body limit is catalog's `ARTIFACT_MAX_BYTES`. */
export const ARTIFACT_UPLOAD_PREFIX = '/uploads';

/** Image routes (kit `mediaRoutes`) live under it: their body limit is the subgraphs' `MEDIA_MAX_BYTES`. */
export const MEDIA_ROUTE_PREFIX = '/media';

/** Body limits by route: artifact uploads and images have their own, every other route (webhooks) the general one. */
export interface RestEdgeBodyLimits {
  artifactMaxBytes: number;
  mediaMaxBytes: number;
  maxBodyBytes: number;
}

function bodyLimitOf(path: string, limits: RestEdgeBodyLimits): number {
  if (path === ARTIFACT_UPLOAD_PREFIX) return limits.artifactMaxBytes;
  if (path === MEDIA_ROUTE_PREFIX || path.startsWith(`${MEDIA_ROUTE_PREFIX}/`)) return limits.mediaMaxBytes;
  return limits.maxBodyBytes;
}

// RFC 9110 §7.6.1 connection-specific headers. `expect` too: the gateway has already answered
// the client's 100-continue (continueIfExpected), and the subgraph need not be asked again.
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];
// A client's own identity signature never reaches a subgraph (the gateway sets its own).
const NOT_FORWARDED_TO_SUBGRAPH = [...HOP_BY_HOP, 'expect', IDENTITY_SIGNATURE_HEADER];

/** `REST_EDGE_ROUTES`, e.g. `/uploads=catalog,/downloads=licensing`. */
export function parseRestEdgeRoutes(value: string, limits: RestEdgeBodyLimits): RestEdgeRoute[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [prefix, subgraph] = entry.split('=').map((part) => part.trim());
      if (!prefix?.startsWith('/') || !subgraph)
        throw new ConfigError('REST_EDGE_ROUTES', `entry "${entry}" must look like /path=subgraph`);
      const path = prefix.replace(/\/+$/, '');
      if (pathRefusal(path, path))
        throw new ConfigError('REST_EDGE_ROUTES', `entry "${entry}" must be a plain path (no dots, %, ; or \\)`);
      return { prefix: path, subgraph, maxBodyBytes: bodyLimitOf(path, limits) };
    });
}

/**
 * The identity the gateway vouches for to the subgraph: the request id it assigned and the
 * client IP it saw, signed over the method and the path the subgraph will see (the subgraph
 * believes them only under that signature). Whatever the client sent under these names is
 * replaced, never passed on.
 */
export function forwardedIdentityHeaders(req: Request, res: Response, signer: GatewaySigner): Record<string, string> {
  return signer.identityHeaders({
    method: req.method,
    path: req.originalUrl,
    clientIp: clientIpOf(req),
    requestId: requestIdOf(res),
  });
}

export interface RestEdgeOptions {
  subgraphUrl: (name: string) => string | undefined;
  timeoutMs: number;
  log: Logger;
  signer: GatewaySigner;
  /** Absent when rate limits are off. */
  rateLimit?: RestEdgeLimiters;
  /** Vendors' API keys (rest-edge-api-keys.ts); absent (no users subgraph): a key is refused 401, never forwarded. */
  apiKeys?: Omit<RestEdgeApiKeyDeps, 'limiter'>;
}

/**
 * Mounts each route as a streaming reverse proxy (http-proxy-middleware; no body parsing:
 * Stripe signatures are over the raw bytes, uploads may be large), logging one line per request
 * (never its path: downloads and exports carry signed tokens). Before anything is
 * forwarded the request spends its client IP's budget (else 429, rest-edge-rate-limit.ts;
 * first, so probing paths costs budget too), the path must stay under the route's prefix
 * (else 400), an API key is exchanged for its token or refused (rest-edge-api-keys.ts) and a
 * declared body must fit the route's limit (else 413). The subgraph sees the same path and query, the
 * caller's headers without hop-by-hop ones, and the gateway's identity headers.
 */
export function mountRestEdge(app: Express, routes: RestEdgeRoute[], options: RestEdgeOptions) {
  const { rateLimit, log, apiKeys } = options;
  const rememberedKey = (req: Request) => {
    const header = req.headers.authorization;
    return apiKeys !== undefined && isApiKeyAuthorization(header) && apiKeys.apiKeys.isRemembered(header);
  };
  for (const route of routes) {
    app.use(
      route.prefix,
      requestLogMiddleware(log, { route: route.prefix, subgraph: route.subgraph }),
      ...(rateLimit ? [restEdgeRateLimit(route.prefix, rateLimit, log, rememberedKey)] : []),
      refuseUnsafePath(route, options.subgraphUrl),
      restEdgeApiKeys(route.prefix, apiKeys && { ...apiKeys, limiter: rateLimit?.shared }, log),
      refuseDeclaredOversize(route.maxBodyBytes, 'request body'),
      continueIfExpected,
      prepareForwarding(options.signer),
      proxyTo(route, options),
    );
  }
}

function refuseUnsafePath(route: RestEdgeRoute, subgraphUrl: (name: string) => string | undefined): RequestHandler {
  return (req, res, next) => {
    const refusal = pathRefusal(req.originalUrl, route.prefix);
    if (refusal) {
      res.setHeader('connection', 'close');
      res.status(400).json(routeErrorBody(`Refused: ${refusal}`, 'BAD_REQUEST'));
      return;
    }
    if (!subgraphUrl(route.subgraph)) {
      res.status(404).json(routeErrorBody(`No ${route.subgraph} subgraph in this supergraph`, 'NOT_FOUND'));
      return;
    }
    next();
  };
}

/**
 * http-proxy forwards `req.headers`: what the subgraph must not see goes, the gateway's
 * identity and `x-forwarded-*` are set. `Host` becomes the subgraph's (`changeOrigin`).
 */
function prepareForwarding(signer: GatewaySigner): RequestHandler {
  return (req, res, next) => {
    const host = req.headers.host;
    for (const name of NOT_FORWARDED_TO_SUBGRAPH) delete req.headers[name];
    Object.assign(req.headers, forwardedIdentityHeaders(req, res, signer));
    req.headers['x-forwarded-proto'] = req.protocol;
    if (host) req.headers['x-forwarded-host'] = host;
    next();
  };
}

class UpstreamTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

function proxyTo(
  route: RestEdgeRoute,
  options: { subgraphUrl: (name: string) => string | undefined; timeoutMs: number; log: Logger },
) {
  return createProxyMiddleware<Request, Response>({
    // The subgraph's origin, looked up per request: URLs are filled in as the supergraph loads.
    router: () => new URL(options.subgraphUrl(route.subgraph)!).origin,
    // Mounted under the prefix, Express strips it from req.url; the subgraph gets the full, checked path.
    pathRewrite: (_path, req) => req.originalUrl,
    changeOrigin: true,
    // http-proxy's own response handling would set `Connection` from the request's (which is not forwarded).
    selfHandleResponse: true,
    on: {
      proxyReq: (proxyReq: ClientRequest) => {
        proxyReq.setTimeout(options.timeoutMs, () => proxyReq.destroy(new UpstreamTimeout(options.timeoutMs)));
      },
      // The answer's status and headers as the subgraph sent them, minus hop-by-hop ones; the
      // gateway's own (request id, security headers) stay unless the subgraph set the same name.
      proxyRes: (proxyRes: IncomingMessage, _req: Request, res: Response) => {
        const headers = Object.entries(proxyRes.headers).filter(([name]) => !HOP_BY_HOP.includes(name));
        res.writeHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage, Object.fromEntries(headers));
        proxyRes.pipe(res);
      },
      error: (error: Error, req: Request, res: Response | Socket) => {
        const timedOut = error instanceof UpstreamTimeout;
        options.log.warn({ route: route.prefix, path: req.originalUrl, err: error }, 'REST edge upstream failed');
        if (!isResponse(res) || res.headersSent) {
          res.destroy();
          return;
        }
        res
          .status(timedOut ? 504 : 502)
          .json(
            timedOut
              ? routeErrorBody(`The ${route.subgraph} service did not answer in time`, 'GATEWAY_TIMEOUT')
              : routeErrorBody(`The ${route.subgraph} service is unavailable`, 'BAD_GATEWAY'),
          );
      },
    },
  });
}

function isResponse(res: ServerResponse | Socket): res is Response {
  return 'writeHead' in res;
}
