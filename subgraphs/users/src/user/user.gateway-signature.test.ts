/**
 * Issue 18 item 7 on the users subgraph's own port: a forged `x-client-ip` no longer buys a
 * fresh per-IP budget, and `_entities`/`_service` answer only what the gateway signed.
 */
import { IDENTITY_SIGNATURE_MAX_AGE_SECONDS } from '@marketplace/kit';
import { TestSubgraph } from '@marketplace/kit/testing';
import { REGISTER, STRONG_PASSWORD, register, startUsers, uniqueEmail } from '../testing';

const REGISTRATIONS_PER_HOUR = 3;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id displayName role } } }`;
const SERVICE = '{ _service { sdl } }';

let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers({ REGISTRATIONS_PER_IP_PER_HOUR: String(REGISTRATIONS_PER_HOUR) });
});
afterAll(() => users.close());

const registration = () => ({
  variables: { input: { email: uniqueEmail('forged'), password: STRONG_PASSWORD, displayName: 'Forger' } },
});

/** POSTs a body as is, with whatever headers a caller chooses. */
async function post(body: object, headers: Record<string, string> = {}) {
  const response = await fetch(users.subgraph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: unknown[] } };
}

/** A request exactly as the gateway signs it: the body, then the identity over it. */
function signed(query: string, variables: object, clientIp: string, nowSeconds?: number) {
  const body = users.gatewaySigner.signBody({ query, variables });
  const headers = users.gatewaySigner.identityHeaders(
    {
      method: 'POST',
      path: '/graphql',
      clientIp,
      requestId: 'req-signed',
      bodySignature: users.gatewaySigner.signParams(body),
    },
    nowSeconds,
  );
  return { body, headers };
}

describe('a forged x-client-ip on the subgraph port', () => {
  it('does not beat the hourly registration cap: every unsigned registration counts against the socket address', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < REGISTRATIONS_PER_HOUR + 3; i += 1) {
      const result = await users.unsignedClient.request(REGISTER, {
        ...registration(),
        headers: { 'x-client-ip': `198.51.100.${i}` },
      });
      codes.push(result.errors?.[0]?.extensions?.code ?? 'OK');
    }
    expect(codes).toEqual([
      ...Array(REGISTRATIONS_PER_HOUR).fill('OK'),
      'RATE_LIMITED',
      'RATE_LIMITED',
      'RATE_LIMITED',
    ]);
  });

  it('is believed when the gateway signed it: each client its own budget', async () => {
    for (let i = 0; i < REGISTRATIONS_PER_HOUR + 1; i += 1) {
      const result = await users.client.request(REGISTER, {
        ...registration(),
        headers: { 'x-client-ip': `203.0.113.${100 + i}` },
      });
      expect(result.errors).toBeUndefined();
    }
  });
});

describe('_entities and _service', () => {
  it('refuse an unsigned request with FORBIDDEN and HTTP 403, showing no name or role', async () => {
    const someone = await register(users);
    const result = await users.unsignedClient.request(ENTITIES, {
      variables: { r: [{ __typename: 'User', id: someone.user.id }] },
    });
    expect(result.status).toBe(403);
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(result.data ?? null).toBeNull();
    expect(JSON.stringify(result)).not.toContain(someone.user.displayName);
  });

  it('refuse _service { sdl } unsigned', async () => {
    const result = await users.unsignedClient.request(SERVICE);
    expect(result.status).toBe(403);
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(result)).not.toContain('type User');
  });

  it('answer a request the gateway signed', async () => {
    const someone = await register(users);
    const { _entities } = await users.client.data(ENTITIES, {
      variables: { r: [{ __typename: 'User', id: someone.user.id }] },
    });
    expect(_entities).toEqual([{ id: someone.user.id, displayName: someone.user.displayName, role: 'CUSTOMER' }]);
    expect((await users.client.data(SERVICE))._service.sdl).toContain('type User');
  });

  it('answer a body signed the Hive way without an identity signature (Hive Gateway in front)', async () => {
    const result = await post(users.gatewaySigner.signBody({ query: SERVICE }));
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
  });
});

describe('a signature that does not hold', () => {
  const reps = { r: [{ __typename: 'User', id: '00000000-0000-4000-8000-000000000000' }] };

  it('is accepted untouched (the baseline of the cases below)', async () => {
    const { body, headers } = signed(ENTITIES, reps, '203.0.113.50');
    expect(await post(body, headers)).toMatchObject({ status: 200, body: { data: { _entities: [null] } } });
  });

  it('refuses a tampered body with UNAUTHENTICATED and HTTP 401', async () => {
    const { body, headers } = signed(ENTITIES, reps, '203.0.113.50');
    const result = await post({ ...body, query: SERVICE }, headers);
    expect(result.status).toBe(401);
    expect(result.body).toEqual({
      errors: [
        {
          message: 'Invalid gateway signature: the body does not match its hmac-signature',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
  });

  it('refuses a tampered client IP', async () => {
    const { body, headers } = signed(ENTITIES, reps, '203.0.113.50');
    const result = await post(body, { ...headers, 'x-client-ip': '203.0.113.51' });
    expect(result.status).toBe(401);
    expect(result.body.errors).toEqual([
      expect.objectContaining({ message: 'Invalid gateway signature: x-gateway-signature is mismatch' }),
    ]);
  });

  it('refuses a stale timestamp', async () => {
    const stale = Math.floor(Date.now() / 1000) - IDENTITY_SIGNATURE_MAX_AGE_SECONDS - 60;
    const { body, headers } = signed(ENTITIES, reps, '203.0.113.50', stale);
    const result = await post(body, headers);
    expect(result.status).toBe(401);
    expect(result.body.errors).toEqual([
      expect.objectContaining({ message: 'Invalid gateway signature: x-gateway-signature is stale' }),
    ]);
  });

  it('refuses a signature made with another secret', async () => {
    const body = { query: SERVICE, extensions: { 'hmac-signature': Buffer.alloc(32).toString('base64') } };
    expect((await post(body)).status).toBe(401);
  });
});
