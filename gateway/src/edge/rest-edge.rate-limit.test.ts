import { RawAnswer, jsonOf, rawRequest } from '../testing/raw-request';
import { ProbeStack, TestGateway, startProbeStack, startTestGateway } from '../testing/stack';

/**
 * The project rule: anything reachable goes through the same limits. The REST edge
 * (`/uploads`, `/downloads`, `/licensing`, `/webhooks/stripe`) forwarded every request
 * without spending the per-IP budget GraphQL requests spend. Each gateway here has its own
 * REDIS_KEY_PREFIX (fresh counters); TRUST_PROXY lets a test choose its client IP.
 */

const ROUTES = '/files=probe,/uploads=probe,/webhooks/stripe=probe,/media/probe=probe';
const WHOAMI = '{"query":"{ whoami { clientIp } }"}';

let stack: ProbeStack;
beforeAll(async () => {
  stack = await startProbeStack();
});
afterAll(() => stack?.close());

async function withGateway(env: Record<string, string>, work: (gateway: TestGateway) => Promise<void>) {
  const gateway = await startTestGateway(stack.supergraphSdl, stack.dataDir, {
    TRUST_PROXY: 'true',
    REST_EDGE_ROUTES: ROUTES,
    ...env,
  });
  try {
    await work(gateway);
  } finally {
    await gateway.close();
  }
}

const download = (gateway: TestGateway, ip: string) =>
  rawRequest(gateway.gateway.url, { path: '/files/model.bin?size=3', headers: { 'x-forwarded-for': ip } });

const webhook = (gateway: TestGateway, ip: string) =>
  rawRequest(gateway.gateway.url, {
    method: 'POST',
    path: '/webhooks/stripe',
    headers: { 'x-forwarded-for': ip, 'content-type': 'application/json' },
    body: '{"type":"payment_intent.succeeded"}',
  });

const image = (gateway: TestGateway, ip: string, method = 'GET') =>
  rawRequest(gateway.gateway.url, {
    method,
    path: method === 'PUT' ? '/media/probe/uploads/token' : '/media/probe/3f1c/480.webp?size=3',
    headers: { 'x-forwarded-for': ip, ...(method === 'PUT' ? { 'content-type': 'image/png' } : {}) },
    ...(method === 'PUT' ? { body: 'png' } : {}),
  });

const graphql = (gateway: TestGateway, ip: string) =>
  rawRequest(gateway.gateway.url, {
    method: 'POST',
    path: '/graphql',
    headers: { 'x-forwarded-for': ip, 'content-type': 'application/json' },
    body: WHOAMI,
  });

/** REST requests the probe subgraph received while `work` ran. */
async function forwardedDuring(work: () => Promise<unknown>): Promise<number> {
  const before = stack.stats.restRequests;
  await work();
  return stack.stats.restRequests - before;
}

const remaining = (answer: RawAnswer) => answer.headers['ratelimit-remaining'];

function expectRateLimited(answer: RawAnswer, limit: number) {
  expect(answer.status).toBe(429);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  const body = jsonOf<{ data?: unknown; errors: { message: string; extensions: Record<string, unknown> }[] }>(answer);
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  const [error] = body.errors;
  expect(error.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
  const retryAfter = error.extensions.retryAfterSeconds as number;
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(error.message).toBe(`Too many requests; try again in ${retryAfter} s`);
  expect(answer.headers['retry-after']).toBe(String(retryAfter));
  expect(answer.headers['ratelimit-limit']).toBe(String(limit));
  expect(answer.headers['ratelimit-remaining']).toBe('0');
  expect(answer.headers['ratelimit-reset']).toBe(String(retryAfter));
}

describe('REST edge rate limit', () => {
  it('counts each request against its client IP and answers 429 past the budget, forwarding nothing', async () => {
    await withGateway({ RATE_LIMIT_PER_IP_PER_MINUTE: '3' }, async (gateway) => {
      const served = [];
      for (let i = 0; i < 3; i += 1) served.push(await download(gateway, '198.51.100.1'));
      expect(served.map((answer) => answer.status)).toEqual([200, 200, 200]);
      expect(served.map((answer) => answer.headers['ratelimit-limit'])).toEqual(['3', '3', '3']);
      expect(served.map(remaining)).toEqual(['2', '1', '0']);
      expect(served[0].headers['retry-after']).toBeUndefined();
      expect(served[0].headers['x-probe-file']).toBe('model.bin');

      let refused: RawAnswer[] = [];
      const forwarded = await forwardedDuring(async () => {
        refused = [
          await download(gateway, '198.51.100.1'),
          await rawRequest(gateway.gateway.url, {
            method: 'PUT',
            path: '/uploads/artifact.zip',
            headers: { 'x-forwarded-for': '198.51.100.1', 'content-type': 'application/zip' },
            body: Buffer.alloc(64 * 1024, 1),
          }),
        ];
      });
      expect(forwarded).toBe(0);
      refused.forEach((answer) => expectRateLimited(answer, 3));
      // The refused upload's body was never read: the connection is not reused for it.
      expect(refused[1].headers.connection).toBe('close');

      // Another client's budget is its own.
      expect((await download(gateway, '198.51.100.2')).status).toBe(200);
    });
  });

  it('spends path probes too: a refused path counts before it is refused', async () => {
    await withGateway({ RATE_LIMIT_PER_IP_PER_MINUTE: '2' }, async (gateway) => {
      const probe = () =>
        rawRequest(gateway.gateway.url, {
          path: '/uploads/%2e%2e/graphql',
          headers: { 'x-forwarded-for': '198.51.100.3' },
        });
      expect((await probe()).status).toBe(400);
      expect((await probe()).status).toBe(400);
      expectRateLimited(await probe(), 2);
    });
  });

  it('shares one per-IP budget between GraphQL and the REST edge', async () => {
    await withGateway({ RATE_LIMIT_PER_IP_PER_MINUTE: '4' }, async (gateway) => {
      const ip = '198.51.100.10';
      const first = await graphql(gateway, ip);
      expect(first.status).toBe(200);
      expect(remaining(first)).toBe('3');
      expect(remaining(await download(gateway, ip))).toBe('2');
      expect(remaining(await graphql(gateway, ip))).toBe('1');
      expect(remaining(await download(gateway, ip))).toBe('0');
      expectRateLimited(await download(gateway, ip), 4);
      expectRateLimited(await graphql(gateway, ip), 4);
    });
  });

  it('gives Stripe webhooks their own, higher per-IP budget, apart from the shared one', async () => {
    await withGateway(
      { RATE_LIMIT_PER_IP_PER_MINUTE: '2', RATE_LIMIT_WEBHOOKS_PER_IP_PER_MINUTE: '4' },
      async (gateway) => {
        const ip = '198.51.100.20';
        // Visitors behind the same address have spent the shared budget: deliveries still go through.
        expect((await graphql(gateway, ip)).status).toBe(200);
        expect((await download(gateway, ip)).status).toBe(200);
        expectRateLimited(await graphql(gateway, ip), 2);

        const deliveries = [];
        for (let i = 0; i < 4; i += 1) deliveries.push(await webhook(gateway, ip));
        expect(deliveries.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
        expect(jsonOf(deliveries[0])).toEqual({ received: true });
        expect(deliveries.map((answer) => answer.headers['ratelimit-limit'])).toEqual(['4', '4', '4', '4']);
        expect(deliveries.map(remaining)).toEqual(['3', '2', '1', '0']);
        let refused: RawAnswer | undefined;
        expect(await forwardedDuring(async () => (refused = await webhook(gateway, ip)))).toBe(0);
        expectRateLimited(refused!, 4);

        // …and deliveries spend none of the shared budget.
        const other = '198.51.100.21';
        for (let i = 0; i < 4; i += 1) expect((await webhook(gateway, other)).status).toBe(200);
        expect(remaining(await graphql(gateway, other))).toBe('1');
      },
    );
  });

  it('gives image reads their own, larger per-IP budget; image uploads spend the shared one', async () => {
    await withGateway(
      { RATE_LIMIT_PER_IP_PER_MINUTE: '2', RATE_LIMIT_MEDIA_PER_IP_PER_MINUTE: '3' },
      async (gateway) => {
        const ip = '198.51.100.25';
        expect((await graphql(gateway, ip)).status).toBe(200);
        expect((await graphql(gateway, ip)).status).toBe(200);
        expectRateLimited(await graphql(gateway, ip), 2);

        // A page of thumbnails still loads for the visitor whose API budget is spent…
        const reads = [await image(gateway, ip), await image(gateway, ip, 'HEAD'), await image(gateway, ip)];
        expect(reads.map((answer) => answer.status)).toEqual([200, 200, 200]);
        expect(reads.map(remaining)).toEqual(['2', '1', '0']);
        let refused: RawAnswer | undefined;
        expect(await forwardedDuring(async () => (refused = await image(gateway, ip)))).toBe(0);
        expectRateLimited(refused!, 3);

        // …but an upload is a write like any other: the shared budget, here spent.
        expect(await forwardedDuring(async () => (refused = await image(gateway, ip, 'PUT')))).toBe(0);
        expectRateLimited(refused!, 2);
        const other = '198.51.100.26';
        expect((await image(gateway, other, 'PUT')).status).toBe(201);
        expect(remaining(await graphql(gateway, other))).toBe('0');
      },
    );
  });

  it('is off with RATE_LIMIT_ENABLED=false', async () => {
    await withGateway({ RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_PER_IP_PER_MINUTE: '1' }, async (gateway) => {
      for (let i = 0; i < 3; i += 1) {
        const answer = await download(gateway, '198.51.100.30');
        expect(answer.status).toBe(200);
        expect(answer.headers['ratelimit-limit']).toBeUndefined();
      }
    });
  });

  it('fails open while the store is down: requests are forwarded, without RateLimit headers', async () => {
    await withGateway({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_PER_IP_PER_MINUTE: '1' }, async (gateway) => {
      const answers = [];
      for (let i = 0; i < 3; i += 1) answers.push(await download(gateway, '198.51.100.40'));
      for (let i = 0; i < 3; i += 1) answers.push(await webhook(gateway, '198.51.100.40'));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
      for (const answer of answers) expect(answer.headers['ratelimit-limit']).toBeUndefined();
      expect(
        gateway.logs
          .records()
          .some(
            (record) =>
              record.msg === 'rate limit store unavailable: allowing requests without rate limits (fail open)',
          ),
      ).toBe(true);
    });
  });
});
