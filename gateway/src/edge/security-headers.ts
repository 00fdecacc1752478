import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** HSTS: browsers keep to HTTPS for a year once they have seen it (the preload lists' minimum). */
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600;

/**
 * Security headers on every answer (GraphQL, REST edge, health, metrics, 404s, errors), by
 * helmet: no MIME sniffing, no referrer, no framing (`X-Frame-Options: DENY` and CSP
 * `frame-ancestors 'none'`), and a CSP that lets an API answer load nothing. The playground
 * page replaces the CSP with its own nonce-based one. HSTS only in production: elsewhere the
 * gateway is reached over plain HTTP on localhost, and a browser would pin that host to HTTPS.
 * A REST edge answer keeps any of these its subgraph set itself.
 */
export function securityHeaders(production: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: production ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: true } : false,
  });
}
