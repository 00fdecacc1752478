import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { Headers, Metrics, requestErrorBody, requestIdFrom } from '@marketplace/kit';
import { GatewayContext, IncomingCall, plainIp } from './context';
import type { SingleFetchLane } from './single-fetch-lane';

export interface GraphQLPostOptions {
  path: string;
  apollo: ApolloServer<GatewayContext>;
  /** Larger bodies are refused with 413, as Express's JSON parser would. */
  maxBodyBytes: number;
  context(call: IncomingCall, res: ServerResponse): Promise<GatewayContext>;
  metrics: Metrics;
  /** Answers operations the single-fetch shortcut knows without Apollo's request pipeline. */
  lane?: SingleFetchLane;
}

/**
 * The request frontends send all day, `POST /graphql` with a JSON body from a client that
 * needs no CORS (no `Origin`), served without Express: its router walk, body parser and
 * response helpers cost more per operation than anything the gateway does for it. Every
 * other request, a browser's included, takes the Express app as before; so does everything
 * when `TRUST_PROXY` is set, since Express resolves the client address then. Both paths
 * give the same answers, headers and errors (`graphql-post.test.ts` sends each request both ways).
 */
export function withLeanGraphQLPosts(app: RequestListener, options: GraphQLPostOptions): RequestListener {
  return (req, res) => {
    if (!isLeanGraphQLPost(req, options.path)) return app(req, res);
    serve(req, res, options).catch((error: unknown) => {
      if (!res.headersSent) sendRequestError(res, 500, 'Internal server error');
      else res.destroy(error as Error);
    });
  };
}

/** JSON in UTF-8, not compressed: what Express's parser would accept as is (it also inflates and converts, so those go there). */
const PLAIN_JSON = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;

function isLeanGraphQLPost(req: IncomingMessage, path: string): boolean {
  const { origin, 'content-type': contentType, 'content-encoding': encoding } = req.headers;
  return (
    req.method === 'POST' &&
    req.url === path &&
    origin === undefined &&
    PLAIN_JSON.test(contentType ?? '') &&
    (encoding === undefined || encoding === 'identity')
  );
}

async function serve(req: IncomingMessage, res: ServerResponse, options: GraphQLPostOptions): Promise<void> {
  const requestId = requestIdFrom(req.headers);
  res.setHeader(Headers.requestId, requestId);
  options.metrics.timeHttpRequest(req.method, res, () => options.path);
  const body = await readJsonBody(req, options.maxBodyBytes);
  if (!body.ok) return sendRequestError(res, body.status, body.message);

  const call: IncomingCall = { headers: req.headers, requestId, clientIp: plainIp(req.socket.remoteAddress) };
  let context: Promise<GatewayContext> | undefined;
  // Built at most once, whether the lane or Apollo asks first: one token check, one rate-limit count.
  const contextOnce = () => (context ??= options.context(call, res));
  const answered = await options.lane?.answer(body.value, req.headers.accept, contextOnce);
  if (answered) {
    for (const [name, value] of Object.entries(answered.headers)) res.setHeader(name, value);
    res.statusCode = 200;
    res.end(answered.body);
    answered.recordSent();
    return;
  }

  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const response = await options.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: '', body: body.value },
    context: contextOnce,
  });
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

type JsonBody = { ok: true; value: unknown } | { ok: false; status: number; message: string };

function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > maxBytes) {
      req.resume();
      return resolve({ ok: false, status: 413, message: 'request entity too large' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > maxBytes) return resolve({ ok: false, status: 413, message: 'request entity too large' });
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({ ok: true, value: {} });
      try {
        resolve({ ok: true, value: JSON.parse(text) as unknown });
      } catch (error) {
        resolve({ ok: false, status: 400, message: (error as Error).message });
      }
    });
  });
}

/** A request the gateway could not read, answered as `jsonErrorHandler` answers it on the Express path. */
function sendRequestError(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(requestErrorBody(status, message)));
}
