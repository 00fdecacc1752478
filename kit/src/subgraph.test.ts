import { createServer } from 'node:net';
import { Authorized, Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Role } from './contracts/roles';
import { envReader } from './config';
import type { RequestContext } from './context';
import { SubgraphModule, startSubgraph } from './subgraph';
import { TestSubgraph, createTestDatabase, startTestSubgraph, tokenFor } from './testing';

@ObjectType({ description: 'What the subgraph knows about the request.' })
class Echo {
  @Field({ description: 'Request id.' })
  requestId: string;

  @Field(() => String, { nullable: true, description: 'Viewer id.' })
  viewerId: string | null;
}

@Resolver()
class ProbeResolver {
  @Query(() => Echo, { description: 'Echoes the request context.' })
  echo(@Ctx() context: RequestContext): Echo {
    return { requestId: context.requestId, viewerId: context.viewer?.id ?? null };
  }

  @Query(() => Boolean, { description: 'Fails with an unexpected error.' })
  boom(): boolean {
    throw new Error('secret internal detail');
  }

  @Authorized(Role.ADMIN)
  @Query(() => Boolean, { description: 'Admins only.' })
  adminOnly(): boolean {
    return true;
  }
}

class CreateProbeTable1763800000000 implements MigrationInterface {
  name = 'CreateProbeTable1763800000000';
  async up(db: QueryRunner) {
    await db.query('CREATE TABLE probe (id int PRIMARY KEY)');
  }
  async down(db: QueryRunner) {
    await db.query('DROP TABLE probe');
  }
}

const probeModule: SubgraphModule = {
  name: 'kit_probe',
  defaultPort: 0,
  entities: [],
  migrations: [CreateProbeTable1763800000000],
  resolvers: [ProbeResolver],
  wire: () => ({ resolvers: [new ProbeResolver()] }),
};

const baseUrl = (probe: TestSubgraph) => probe.subgraph.url.replace(/\/graphql$/, '');

describe('startSubgraph', () => {
  let probe: TestSubgraph;
  beforeAll(async () => {
    probe = await startTestSubgraph(probeModule);
  });
  afterAll(() => probe.close());

  it('serves /health and /ready (database and store checked)', async () => {
    expect(await (await fetch(`${baseUrl(probe)}/health`)).json()).toEqual({ status: 'ok', service: 'kit_probe' });
    const ready = await fetch(`${baseUrl(probe)}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      checks: { database: { ok: true }, store: { ok: true }, broker: { ok: true } },
    });
  });

  it('runs the event tables and its own migrations into its own schema and records them there', async () => {
    const rows = await probe.subgraph.deps.db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'kit_probe' ORDER BY 1`,
    );
    expect(rows.map((r: { table_name: string }) => r.table_name)).toEqual([
      'dead_letters',
      'inbox',
      'migrations',
      'outbox',
      'probe',
    ]);
    const applied = await probe.subgraph.deps.db.query(`SELECT name FROM kit_probe.migrations ORDER BY id`);
    expect(applied.map((r: { name: string }) => r.name)).toEqual([
      'CreateEventTables1763700000000',
      'CreateProbeTable1763800000000',
      'AddDeadLetterDetails1800600000000',
    ]);
  });

  it('keeps a well-formed request id and replaces a malformed one', async () => {
    const kept = await probe.client.data(`{ echo { requestId } }`, { headers: { 'x-request-id': 'req-123.abc' } });
    expect(kept.echo.requestId).toBe('req-123.abc');
    const replaced = await probe.client.data(`{ echo { requestId } }`, {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(replaced.echo.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(probe.logs.records().some((r) => r.requestId === 'req-123.abc' && r.msg === 'graphql operation')).toBe(true);
  });

  it('enforces @Authorized: anonymous → UNAUTHENTICATED, customer → FORBIDDEN, admin → allowed', async () => {
    expect(await probe.client.errorCode(`{ adminOnly }`)).toBe('UNAUTHENTICATED');
    expect(await probe.client.errorCode(`{ adminOnly }`, { token: tokenFor('c1', Role.CUSTOMER) })).toBe('FORBIDDEN');
    expect(await probe.client.errorCode(`{ adminOnly }`, { token: tokenFor('v1', Role.VENDOR) })).toBe('FORBIDDEN');
    expect((await probe.client.data(`{ adminOnly }`, { token: tokenFor('a1', Role.ADMIN) })).adminOnly).toBe(true);
    expect(
      (await probe.client.data(`{ echo { viewerId } }`, { token: tokenFor('a1', Role.ADMIN) })).echo.viewerId,
    ).toBe('a1');
  });

  it('rejects a bad token with 401 UNAUTHENTICATED before any resolver runs', async () => {
    const result = await probe.client.request(`{ echo { requestId } }`, { token: 'not.a.token' });
    expect(result.status).toBe(401);
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data ?? null).toBeNull();
  });

  it('hides unexpected errors behind INTERNAL_SERVER_ERROR and logs them with their stack', async () => {
    const result = await probe.client.request(`{ boom }`);
    expect(result.errors?.[0]).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(result)).not.toContain('secret internal detail');
    expect(
      probe.logs
        .records()
        .some((r) => r.level === 'error' && r.err?.message === 'secret internal detail' && r.err?.stack),
    ).toBe(true);
  });

  it('answers malformed JSON with a 400, not a stack trace', async () => {
    const response = await fetch(probe.subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).not.toMatch(/at .*\.js:\d+/);
    expect(JSON.parse(body).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('exposes Prometheus metrics for HTTP requests and operations', async () => {
    await probe.client.data(`query EchoForMetrics { echo { requestId } }`);
    const text = await (await fetch(`${baseUrl(probe)}/metrics`)).text();
    expect(text).toContain(
      'graphql_operations_total{operation="EchoForMetrics",type="query",outcome="ok",service="kit_probe"} 1',
    );
    expect(text).toMatch(/http_request_duration_seconds_count\{.*route="\/graphql".*\} \d+/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe('startSubgraph life cycle', () => {
  it('two replicas starting at once migrate once', async () => {
    const database = await createTestDatabase();
    const env = envReader({ ...process.env, LOG_LEVEL: 'silent' });
    try {
      const replicas = await Promise.all(
        [0, 1, 2].map(() => startSubgraph(probeModule, { env, port: 0, databaseUrl: database.url })),
      );
      const [{ n }] = await replicas[0].deps.db.query(`SELECT count(*)::int AS n FROM kit_probe.migrations`);
      // The kit's two event-table migrations and the probe's own, each once.
      expect(n).toBe(3);
      for (const replica of replicas) await replica.close();
    } finally {
      await database.drop();
    }
  });

  it('reports a database that went away on /ready, and stops listening on close', async () => {
    const probe = await startTestSubgraph(probeModule);
    await probe.subgraph.deps.db.destroy();
    const ready = await fetch(`${baseUrl(probe)}/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: { database: { ok: boolean } } }).checks.database.ok).toBe(false);
    await probe.close();
    await expect(fetch(`${baseUrl(probe)}/health`)).rejects.toThrow();
  });

  it('starts while the broker is down, serves requests, and reports the broker on /ready', async () => {
    const probe = await startTestSubgraph(probeModule, { AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' });
    try {
      expect((await probe.client.data(`{ echo { requestId } }`)).echo.requestId).toBeTruthy();
      const ready = await fetch(`${baseUrl(probe)}/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        ready: false,
        checks: { database: { ok: true }, broker: { ok: false, error: expect.stringMatching(/broker unreachable/) } },
      });
    } finally {
      await probe.close();
    }
  });

  it('refuses a port in use with one clear sentence', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    const database = await createTestDatabase();
    try {
      await expect(
        startSubgraph(probeModule, {
          env: envReader({ ...process.env, LOG_LEVEL: 'silent' }),
          port,
          databaseUrl: database.url,
        }),
      ).rejects.toThrow(`kit_probe: port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
      await database.drop();
    }
  });
});
