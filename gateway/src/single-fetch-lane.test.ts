import { Role } from '@marketplace/kit';
import { metricSum, scrapeMetrics } from '@marketplace/kit/testing';
import { OperationCachePolicy } from './single-fetch-lane';
import { ProbeStack, startProbeStack } from './testing/stack';

/**
 * The lane on the probe subgraph, where the subgraph counts what reaches it: a learned
 * operation is answered without Apollo's pipeline but with its log line and metrics, every
 * client request costs exactly one subgraph request (answers with errors included), and
 * whoever the gateway refuses never reaches the subgraph. `scripts/src/single-fetch.test.ts`
 * compares the lane's answers with Apollo's on the real supergraph.
 */
let stack: ProbeStack;
let limited: ProbeStack;
let off: ProbeStack;
beforeAll(async () => {
  [stack, limited, off] = await Promise.all([
    startProbeStack(),
    startProbeStack({ RATE_LIMIT_PER_IP_PER_MINUTE: '3', RATE_LIMIT_PER_USER_PER_MINUTE: '3' }),
    startProbeStack({ SINGLE_FETCH_SKIP_PIPELINE: 'false' }),
  ]);
}, 60_000);
afterAll(() => Promise.all([stack, limited, off].map((one) => one?.close())));

const WHOAMI = 'query Whoami { whoami { viewerId role } }';

async function post(target: ProbeStack, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(target.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: await response.text(),
    contentType: response.headers.get('content-type'),
    cacheControl: response.headers.get('cache-control'),
  };
}

/** The lane's and Apollo's counts of single-fetch operations, and the operations metric for `operation`. */
async function counts(target: ProbeStack, operation: string) {
  const text = await scrapeMetrics(target.gateway.url);
  return {
    skipped: metricSum(text, 'gateway_single_fetch_operations_total', { pipeline: 'skipped' }),
    apollo: metricSum(text, 'gateway_single_fetch_operations_total', { pipeline: 'apollo' }),
    ok: metricSum(text, 'graphql_operations_total', { operation, outcome: 'ok' }),
    error: metricSum(text, 'graphql_operations_total', { operation, outcome: 'error' }),
    subgraphRequests: target.stats.graphqlRequests,
  };
}

const operationLines = (target: ProbeStack, name: string) =>
  target.logs.records().filter((record) => record.msg === 'graphql operation' && record.operationName === name);

it('answers a learned operation itself: one subgraph request, the same answer, log line and metrics as Apollo', async () => {
  const token = stack.token(Role.VENDOR);
  const before = await counts(stack, 'Whoami');
  const viaApollo = await post(stack, { query: WHOAMI }, { authorization: `Bearer ${token}` });
  const afterFirst = await counts(stack, 'Whoami');
  const viaLane = await post(stack, { query: WHOAMI }, { authorization: `Bearer ${token}` });
  const after = await counts(stack, 'Whoami');

  expect(viaLane).toEqual(viaApollo);
  expect(JSON.parse(viaLane.body)).toEqual({ data: { whoami: { viewerId: 'user-vendor', role: 'VENDOR' } } });
  expect(afterFirst.skipped - before.skipped).toBe(0);
  expect(after).toEqual({
    ...afterFirst,
    skipped: afterFirst.skipped + 1,
    ok: afterFirst.ok + 1,
    subgraphRequests: afterFirst.subgraphRequests + 1,
  });
  const [apolloLine, laneLine] = operationLines(stack, 'Whoami').slice(-2);
  expect(laneLine).toMatchObject({
    operationName: 'Whoami',
    operationType: 'query',
    durationMs: expect.any(Number),
    viewerId: 'user-vendor',
  });
  expect(Object.keys(laneLine).sort()).toEqual(Object.keys(apolloLine).sort());
});

it('an answer with errors: the subgraph is asked once, Apollo formats, counts and logs it', async () => {
  const body = { query: 'query Fails { fail(kind: "conflict") }' };
  const first = await post(stack, body);
  const before = await counts(stack, 'Fails');
  const second = await post(stack, body);
  const after = await counts(stack, 'Fails');

  expect(second).toEqual(first);
  expect(JSON.parse(second.body)).toMatchObject({
    data: { fail: null },
    errors: [{ extensions: { code: 'CONFLICT' } }],
  });
  expect(after).toEqual({
    ...before,
    apollo: before.apollo + 1,
    error: before.error + 1,
    subgraphRequests: before.subgraphRequests + 1,
  });
  expect(operationLines(stack, 'Fails').at(-1)).toMatchObject({ errors: ['CONFLICT'] });
});

it('bad variables are refused before anything is sent, as Apollo refuses them', async () => {
  const query = 'query One($id: ID!) { probe(id: $id) { id level } }';
  expect((await post(stack, { query, variables: { id: 'p1' } })).status).toBe(200);
  const before = await counts(stack, 'One');
  const refused = await post(stack, { query, variables: { id: { not: 'an id' } } });
  const after = await counts(stack, 'One');
  expect(refused.status).toBe(400);
  expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  expect(after.subgraphRequests).toBe(before.subgraphRequests);
  expect(after.skipped).toBe(before.skipped);
});

describe('who may', () => {
  it('a bad or expired token is answered 401 by Apollo and never reaches the subgraph', async () => {
    await post(stack, { query: WHOAMI });
    for (const authorization of [
      'Bearer not-a-token',
      `Bearer ${stack.signer.sign({ id: 'user-x', role: Role.CUSTOMER }, -10)}`,
    ]) {
      const before = await counts(stack, 'Whoami');
      const refused = await post(stack, { query: WHOAMI }, { authorization });
      const after = await counts(stack, 'Whoami');
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect([after.subgraphRequests, after.skipped]).toEqual([before.subgraphRequests, before.skipped]);
    }
  });

  it('the rate limit counts a lane request once and refuses the one over it with 429', async () => {
    const token = limited.token(Role.CUSTOMER);
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await post(limited, { query: WHOAMI }, { authorization: `Bearer ${token}` }));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(JSON.parse(answers[3].body).errors[0].extensions.code).toBe('RATE_LIMITED');
    const after = await counts(limited, 'Whoami');
    expect([after.skipped, after.subgraphRequests]).toEqual([2, 3]);
  });

  it('each viewer gets their own answer when many ask at once', async () => {
    await post(stack, { query: WHOAMI });
    const viewers = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const answers = await Promise.all(
      viewers.map((id) =>
        post(stack, { query: WHOAMI }, { authorization: `Bearer ${stack.signer.sign({ id, role: Role.CUSTOMER })}` }),
      ),
    );
    expect(answers.map((answer) => JSON.parse(answer.body).data.whoami.viewerId)).toEqual(viewers);
  });
});

it('SINGLE_FETCH_SKIP_PIPELINE=false leaves every request to Apollo', async () => {
  for (let i = 0; i < 3; i++) expect((await post(off, { query: WHOAMI })).status).toBe(200);
  const after = await counts(off, 'Whoami');
  expect([after.skipped, after.apollo, after.ok]).toEqual([0, 2, 3]);
});

it('the Cache-Control header follows the subgraph answer as Apollo’s cache-control plugin writes it', () => {
  const header = (...hints: Parameters<OperationCachePolicy['restrict']>[0][]) => {
    const policy = new OperationCachePolicy();
    for (const hint of hints) policy.restrict(hint);
    return policy.header();
  };
  expect(header()).toBe('no-store');
  expect(header({ maxAge: 0 })).toBe('no-store');
  expect(header({ maxAge: 60, scope: 'PUBLIC' })).toBe('max-age=60, public');
  expect(header({ maxAge: 60 })).toBe('max-age=60, public');
  expect(header({ maxAge: 30, scope: 'PRIVATE' })).toBe('max-age=30, private');
  expect(header({ maxAge: 60, scope: 'PRIVATE' }, { maxAge: 10, scope: 'PUBLIC' })).toBe('max-age=10, private');
});
