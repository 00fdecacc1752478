import type { Express, Request, Response } from 'express';
import { request as httpRequest, IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ConfigError, GatewaySigner, Headers, IDENTITY_SIGNATURE_HEADER, Logger } from '@marketplace/kit';
import { clientIpOf, requestIdOf } from './request-context';

/** A REST route the gateway forwards, byte for byte, to the subgraph that owns it. */
export interface RestEdgeRoute {
  prefix: string;
  subgraph: string;
}

/** Uploads and downloads stream large bodies; a stalled peer is cut after this long. */
export const DEFAULT_REST_EDGE_TIMEOUT_MS = 120_000;

/** ARCHITECTURE §5: Stripe webhooks to payments, artifact uploads to catalog, downloads to licensing. */
export const DEFAULT_REST_EDGE_ROUTES =
  '/webhooks/stripe=payments,/uploads=catalog,/downloads=licensing,/licensing=licensing';

// RFC 9110 §7.6.1 connection-specific headers, plus what the gateway sets itself.
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  Headers.clientIp,
  Headers.requestId,
  IDENTITY_SIGNATURE_HEADER,
]);

/** `REST_EDGE_ROUTES`, e.g. `/uploads=catalog,/downloads=licensing`. */
export function parseRestEdgeRoutes(value: string): RestEdgeRoute[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [prefix, subgraph] = entry.split('=').map((part) => part.trim());
      if (!prefix?.startsWith('/') || !subgraph)
        throw new ConfigError('REST_EDGE_ROUTES', `entry "${entry}" must look like /path=subgraph`);
      return { prefix: prefix.replace(/\/+$/, ''), subgraph };
    });
}

/**
 * Mounts each route as a streaming reverse proxy (no body parsing: Stripe signatures are
 * over the raw bytes, uploads may be large). The subgraph sees the same path, the caller's
 * headers, and the gateway's request id and client IP.
 */
export function mountRestEdge(
  app: Express,
  routes: RestEdgeRoute[],
  options: { subgraphUrl: (name: string) => string | undefined; timeoutMs: number; log: Logger; signer: GatewaySigner },
) {
  for (const route of routes) {
    app.use(route.prefix, (req, res) => {
      const graphqlUrl = options.subgraphUrl(route.subgraph);
      if (!graphqlUrl) {
        res.status(404).json({ error: `no ${route.subgraph} subgraph in this supergraph` });
        return;
      }
      forward(req, res, new URL(req.originalUrl, graphqlUrl), options);
    });
  }
}

function forward(
  req: Request,
  res: Response,
  target: URL,
  options: { timeoutMs: number; log: Logger; signer: GatewaySigner },
) {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!NOT_FORWARDED.has(name)) headers[name] = value;
  // The identity the subgraph may believe, signed over the method and the path it will see.
  Object.assign(
    headers,
    options.signer.identityHeaders({
      method: req.method,
      path: `${target.pathname}${target.search}`,
      clientIp: clientIpOf(req),
      requestId: requestIdOf(res),
    }),
  );
  headers['x-forwarded-proto'] = req.protocol;
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(target, { method: req.method, headers, timeout: options.timeoutMs }, (answer) => {
    res.writeHead(
      answer.statusCode ?? 502,
      answer.statusMessage,
      Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !NOT_FORWARDED.has(name))),
    );
    answer.pipe(res);
  });
  upstream.on('timeout', () => upstream.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
  upstream.on('error', (error) => {
    options.log.warn({ target: target.pathname, err: error }, 'REST edge upstream failed');
    if (!res.headersSent) res.status(502).json({ error: 'upstream service unavailable' });
    else res.destroy();
  });
  req.on('aborted', () => upstream.destroy());
  req.pipe(upstream);
}
