import { createHash } from 'node:crypto';
import { DemoIds } from '@marketplace/kit';
import {
  RawGraphQLSocket,
  TestSubscription,
  globalId,
  subscribe,
  subscriptionClient,
  tokenFor,
} from '@marketplace/kit/testing';
import { RawAnswer, RawRequest, jsonOf, rawRequest } from '@marketplace/gateway/dist/testing/raw-request';
import { TestSupergraph, startTestSupergraph } from './testing/supergraph';

/**
 * Issue 18's outside probes of the edge (items 1–6), sent again as the attacker sent them, at
 * the whole supergraph behind the real gateway: each one must now be closed. The per-item
 * tests beside the code cover every variant; this suite replays the issue's own requests.
 * Items 7–13: security-probes.identity.test.ts. Items 14–16 are flows and faults, not probes:
 * money-guards-flow.test.ts (14), infra.test.ts and start.test.ts (15),
 * kit/src/events/relay.recovery.test.ts (16).
 */
const MiB = 2 ** 20;
/** Catalog's default ARTIFACT_MAX_BYTES, which the gateway enforces on `/uploads`. */
const ARTIFACT_MAX_BYTES = 100 * MiB;
/** graphql-ws closes a socket whose message is over the limit with "Message Too Big". */
const MESSAGE_TOO_BIG = 1009;
/** Long enough for a loaded machine; a gateway that waits for a withheld body never answers at all. */
const NO_ANSWER_MS = 10_000;
const JSON_TYPE = { 'content-type': 'application/json' };

let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph();
  await supergraph.subgraphs.get('users')!.wiring.seed?.();
}, 120_000);
afterAll(() => supergraph?.close());

const send = (request: RawRequest, url = supergraph.gateway.url) => rawRequest(url, request);

/** `request`'s answer, or a failure naming the probe if none comes: the gateway hung. */
function answerOrHang(request: RawRequest): Promise<RawAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer to ${request.method} ${request.path}: it hangs`)),
      NO_ANSWER_MS,
    );
  });
  return Promise.race([send(request), hung]).finally(() => clearTimeout(timer));
}

const codes = (answer: RawAnswer) => jsonOf(answer).errors?.map((error) => error.extensions?.code);

it('item 1: a REST edge path that leaves its prefix is refused (400), never forwarded', async () => {
  const upward = await send({
    method: 'POST',
    path: '/uploads/%2e%2e/graphql',
    headers: JSON_TYPE,
    body: '{"query":"{ _service { sdl } }"}',
  });
  expect(upward.status).toBe(400);
  expect(codes(upward)).toEqual(['BAD_REQUEST']);
  expect(upward.text).not.toMatch(/sdl|type Product/);

  // `curl --path-as-is`: the dots travel unresolved.
  const metrics = await send({ path: '/downloads/../metrics' });
  expect(metrics.status).toBe(400);
  expect(codes(metrics)).toEqual(['BAD_REQUEST']);
  expect(metrics.text).not.toContain('process_cpu');
});

describe('item 2: WebSocket operations are metered and capped', () => {
  const sockets: RawGraphQLSocket[] = [];
  afterAll(() => sockets.forEach((socket) => socket.socket.terminate()));

  it('a burst of { me { id } } over one socket spends the user’s budget: the rest RATE_LIMITED, then HTTP 429', async () => {
    const budget = 20;
    const metered = await supergraph.startGateway({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_PER_USER_PER_MINUTE: String(budget),
      // A loaded machine may keep Redis waiting past the default: the count must not fail open mid-burst.
      RATE_LIMIT_STORE_TIMEOUT_MS: '5000',
    });
    const token = tokenFor(DemoIds.users.alan, 'CUSTOMER');
    const client = subscriptionClient(metered.url, token);
    try {
      const sent: TestSubscription[] = Array.from({ length: 3 * budget }, () => subscribe(client, '{ me { id } }'));
      const ended = await Promise.all(sent.map((live) => live.ended));
      const answered = sent.filter((live, n) => ended[n].length === 0 && live.pushes[0]?.data);
      const refused = ended.filter((errors) => errors.length > 0).map(([error]) => error.extensions?.code);
      expect(answered.length).toBeLessThanOrEqual(budget);
      expect(answered.length).toBeGreaterThan(0);
      expect(answered[0].pushes[0].data).toEqual({ me: { id: globalId('User', DemoIds.users.alan) } });
      expect(refused).toEqual(Array(3 * budget - answered.length).fill('RATE_LIMITED'));
    } finally {
      await client.dispose();
    }
    // The same user over HTTP: the socket spent the budget HTTP draws on.
    const response = await fetch(metered.url, {
      method: 'POST',
      headers: { ...JSON_TYPE, authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(response.status).toBe(429);
  });

  it('a 20 MB message closes the socket with 1009 before it is parsed', async () => {
    const socket = new RawGraphQLSocket(supergraph.gateway.url);
    sockets.push(socket);
    expect(await socket.init()).toBe('acked');
    const query = `{ __typename }${' '.repeat(20 * 1_000_000)}`;
    socket.send({ id: 'huge', type: 'subscribe', payload: { query } });
    expect((await socket.closed).code).toBe(MESSAGE_TOO_BIG);
  });
});

it('item 3: the four-alias probe is refused before planning with COST_LIMIT_EXCEEDED, anonymous or signed in', async () => {
  const alias =
    'products(first:100){edges{node{vendor{displayName products(first:100){edges{node{id name description vendor{displayName}}}}}}}}';
  const probe = `{ ${[1, 2, 3, 4].map((n) => `a${n}: ${alias}`).join(' ')} }`;
  for (const token of [undefined, tokenFor(DemoIds.users.alan, 'CUSTOMER')]) {
    const result = await supergraph.client.request(probe, { token });
    expect(result.status).toBe(400);
    expect(result.data ?? undefined).toBeUndefined();
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['COST_LIMIT_EXCEEDED']);
  }
});

it('item 4: the malformed bodies answer 400 with their own codes, not 500', async () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const probes: [object, string][] = [
    [{ query: 'query A{__typename} query B{__typename}' }, 'OPERATION_NAME_REQUIRED'],
    [{ query: '{ __typename }', operationName: '' }, 'UNKNOWN_OPERATION_NAME'],
    [
      { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ me { id } }') } } },
      'PERSISTED_QUERY_HASH_MISMATCH',
    ],
    [
      {
        query: '{ __typename }',
        extensions: { persistedQuery: { version: 99, sha256Hash: sha256('{ __typename }') } },
      },
      'PERSISTED_QUERY_VERSION_UNSUPPORTED',
    ],
  ];
  const answers = [];
  for (const [body] of probes)
    answers.push(await send({ method: 'POST', path: '/graphql', headers: JSON_TYPE, body: JSON.stringify(body) }));
  expect(answers.map((answer) => [answer.status, codes(answer)])).toEqual(probes.map(([, code]) => [400, [code]]));
});

it('item 5: security headers on a GraphQL answer, a REST edge answer, a 404 and /health', async () => {
  const answers: [string, RawRequest, number][] = [
    [
      'a GraphQL answer',
      { method: 'POST', path: '/graphql', headers: JSON_TYPE, body: '{"query":"{ __typename }"}' },
      200,
    ],
    ['a REST edge answer (licensing refusing a bad link)', { path: '/downloads/no-such-token' }, 403],
    ['a 404', { path: '/nowhere' }, 404],
    ['/health', { path: '/health' }, 200],
  ];
  for (const [what, request, status] of answers) {
    const answer = await send(request);
    expect({ what, status: answer.status }).toEqual({ what, status });
    expect({ what, headers: answer.headers }).toMatchObject({
      what,
      headers: { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' },
    });
    expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(answer.headers['x-powered-by']).toBeUndefined();
  }
});

it('item 6: an upload declaring ARTIFACT_MAX_BYTES + 1 with no body yet is refused 413 from its header', async () => {
  const answer = await answerOrHang({
    method: 'PUT',
    path: '/uploads/artifact.zip',
    headers: { 'content-type': 'application/zip', 'content-length': String(ARTIFACT_MAX_BYTES + 1) },
    withholdBody: true,
  });
  expect(answer.status).toBe(413);
  expect(codes(answer)).toEqual(['PAYLOAD_TOO_LARGE']);
  // The same for an operation at /graphql, over its 1 MiB.
  const operation = await answerOrHang({
    method: 'POST',
    path: '/graphql',
    headers: { ...JSON_TYPE, 'content-length': String(MiB + 1) },
    withholdBody: true,
  });
  expect(operation.status).toBe(413);
  expect(codes(operation)).toEqual(['PAYLOAD_TOO_LARGE']);
});
