import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Express, Request, RequestHandler } from 'express';

/** Where the page's scripts and styles are served. */
export const PLAYGROUND_ASSET_PATH = '/playground/assets';
/** Assets are named by file, not version: cache briefly so an upgrade shows up within the hour. */
const ASSET_MAX_AGE_MS = 60 * 60 * 1_000;
const NONCE_BYTES = 16;

interface Asset {
  file: string;
  contentType: string;
}

const JS = 'text/javascript; charset=utf-8';

/** Everything GraphiQL needs, from node_modules: the playground works with no internet. */
export const PLAYGROUND_ASSETS: Record<string, Asset> = {
  'react.production.min.js': { file: packageFile('react', 'umd/react.production.min.js'), contentType: JS },
  'react-dom.production.min.js': { file: packageFile('react-dom', 'umd/react-dom.production.min.js'), contentType: JS },
  'graphql-ws.min.js': { file: packageFile('graphql-ws', 'umd/graphql-ws.min.js'), contentType: JS },
  'graphiql.min.js': { file: packageFile('graphiql', 'graphiql.min.js'), contentType: JS },
  'graphiql.min.css': { file: packageFile('graphiql', 'graphiql.min.css'), contentType: 'text/css; charset=utf-8' },
};

/** The packages' `exports` hide their UMD files from require.resolve; their package.json is exported. */
function packageFile(name: string, file: string): string {
  return join(dirname(require.resolve(`${name}/package.json`)), file);
}

/** A browser navigating to /graphql, not a client sending an operation by GET. */
export function wantsPlayground(req: Request): boolean {
  if (req.method !== 'GET' || req.query.query !== undefined) return false;
  return req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

export function mountPlayground(app: Express, graphqlPath: string): void {
  app.get(`${PLAYGROUND_ASSET_PATH}/:file`, (req, res, next) => {
    const asset = Object.hasOwn(PLAYGROUND_ASSETS, req.params.file) ? PLAYGROUND_ASSETS[req.params.file] : undefined;
    if (!asset) return next();
    res.sendFile(asset.file, {
      maxAge: ASSET_MAX_AGE_MS,
      headers: { 'content-type': asset.contentType, 'x-content-type-options': 'nosniff' },
    });
  });
  app.get(graphqlPath, playgroundPage());
}

function playgroundPage(): RequestHandler {
  return (req, res, next) => {
    if (!wantsPlayground(req)) return next();
    const nonce = randomBytes(NONCE_BYTES).toString('base64');
    res.setHeader('content-security-policy', contentSecurityPolicy(nonce));
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cache-control', 'no-store');
    res.type('html').send(playgroundHtml(nonce));
  };
}

/**
 * Only this origin. CodeMirror positions its widgets with style attributes, hence inline
 * styles; the one inline script is allowed by nonce. `connect-src 'self'` covers ws:// to
 * this host too (CSP 3), which subscriptions use. GraphiQL's fonts and icons are data: URLs.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const DEFAULT_QUERY = `# Marketplace supergraph. Add "Authorization": "Bearer <token>" in Headers below to act as a user.
query Hello {
  __typename
}
`;

function playgroundHtml(nonce: string): string {
  const asset = (file: string) => `${PLAYGROUND_ASSET_PATH}/${file}`;
  // String.raw: the inline script's regular expressions keep their backslashes.
  return String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Marketplace GraphQL playground</title>
<link rel="stylesheet" href="${asset('graphiql.min.css')}">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading the playground…</div>
<script src="${asset('react.production.min.js')}"></script>
<script src="${asset('react-dom.production.min.js')}"></script>
<script src="${asset('graphql-ws.min.js')}"></script>
<script src="${asset('graphiql.min.js')}"></script>
<script nonce="${nonce}">
  const url = location.origin + location.pathname;
  const subscriptionUrl = url.replace(/^http/, 'ws');
  const http = GraphiQL.createFetcher({ url });
  // Subscriptions go over graphql-ws, authenticated like HTTP: the Headers editor's values
  // become the connection's connectionParams (one socket per distinct set of headers).
  const sockets = new Map();
  const socketFor = (headers) => {
    const key = JSON.stringify(headers || {});
    if (!sockets.has(key)) sockets.set(key, graphqlWs.createClient({ url: subscriptionUrl, connectionParams: headers || {}, lazy: true }));
    return sockets.get(key);
  };
  const isSubscription = (params) => {
    const source = params.query.replace(/#[^\n]*/g, '');
    return params.operationName
      ? new RegExp('subscription\\s+' + params.operationName + '\\b').test(source)
      : /(^|})\s*subscription\b/.test(source);
  };
  const fetcher = (params, options) =>
    isSubscription(params) ? socketFor(options && options.headers).iterate(params) : http(params, options);
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: 'headers',
    }),
  );
</script>
</body>
</html>
`;
}
