/**
 * Apollo Router's deployment files in step with the code: router.yaml's header rules and routing
 * URLs, and the coprocessor that signs what the router sends the subgraphs and exchanges API keys
 * (compose service, loopback, secret, health check, the stages router.yaml calls it for).
 */
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { envReader } from '@marketplace/kit';
import { DEFAULT_ROUTER_COPROCESSOR_PORT, startRouterCoprocessor } from '@marketplace/gateway';
import {
  compose,
  defaultOf,
  dependencies,
  environmentOf,
  keyValues,
  read,
  root,
  router,
  subgraphs,
} from './testing/deployment-files';

describe('router.yaml', () => {
  const request = router.headers?.all?.request;
  const rules = (Array.isArray(request) ? request : request?.operations) ?? [];
  const propagated = rules.map((rule) => rule.propagate?.named?.toLowerCase()).filter(Boolean);

  it.each(['authorization', 'x-request-id'])('propagates %s to every subgraph', (header) => {
    expect(propagated).toContain(header);
  });

  it('overrides routing URLs of existing subgraphs only', () => {
    expect(subgraphs).toEqual(expect.arrayContaining(Object.keys(router.override_subgraph_url ?? {})));
  });
});

/** The compose service that runs the router coprocessor, and the command its image runs. */
const COPROCESSOR = 'router-coprocessor';
const COPROCESSOR_ENTRY = 'gateway/dist/router-coprocessor/main.js';

describe('the router coprocessor, which signs what Apollo Router sends the subgraphs', () => {
  const service = compose.services[COPROCESSOR] ?? {};
  const environment = environmentOf(COPROCESSOR);

  it('runs under the `router` profile, from the one image with SERVICE=router-coprocessor', () => {
    expect(service.profiles).toEqual(['router']);
    const build = service.build;
    expect(keyValues(typeof build === 'object' ? build.args : undefined).SERVICE).toBe(COPROCESSOR);
  });

  it('listens on loopback only, and the router shares its network namespace: nothing else reaches it', () => {
    expect(environment.HOST).toBe('127.0.0.1');
    expect(compose.services.router.network_mode).toBe(`service:${COPROCESSOR}`);
    expect(compose.services.router.ports).toBeUndefined();
    expect(service.ports).toEqual(['4100:4100']);
  });

  it('holds the signing secret from the environment, with no default, and trusts no client IP by default', () => {
    expect(environment.SUBGRAPH_SIGNING_SECRET).toMatch(/^\$\{SUBGRAPH_SIGNING_SECRET(:?-)?\}$/);
    expect(environment.ROUTER_COPROCESSOR_PORT).toBeUndefined();
    expect(['', 'false']).toContain(defaultOf(environment.ROUTER_COPROCESSOR_TRUST_CLIENT_IP));
  });

  it('is awaited by the router, healthy', () => {
    expect(dependencies(compose.services.router)[COPROCESSOR]?.condition).toBe('service_healthy');
  });

  it('is called by router.yaml at its default port on loopback, for every subgraph request, with what it signs', () => {
    const url = new URL(router.coprocessor?.url ?? 'invalid:');
    expect({ host: url.hostname, port: Number(url.port) }).toEqual({
      host: '127.0.0.1',
      port: DEFAULT_ROUTER_COPROCESSOR_PORT,
    });
    expect(router.coprocessor?.subgraph?.all?.request).toEqual({
      headers: true,
      body: true,
      uri: true,
      method: true,
      service_name: true,
    });
    // It speaks the RouterRequest (API keys, the headers only) and SubgraphRequest stages and refuses any other.
    const { url: _url, subgraph, router: routerStage, ...otherStages } = router.coprocessor ?? {};
    expect(otherStages).toEqual({});
    expect(routerStage).toEqual({ request: { headers: true } });
    expect(subgraph?.all?.response).toBeUndefined();
  });

  it('exchanges API keys at the users subgraph, as the gateway does', () => {
    expect(environment.USERS_URL).toBe(environmentOf('gateway').USERS_URL);
  });

  it('starts the same way from npm and from the container entry point', () => {
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    expect(scripts['start:router-coprocessor']).toBe(`node ${COPROCESSOR_ENTRY}`);
    expect(
      execFileSync('sh', [join(root, 'docker/entrypoint.sh'), '--check'], {
        env: { ...process.env, SERVICE: COPROCESSOR },
        encoding: 'utf8',
      }).trim(),
    ).toBe(`entrypoint: SERVICE=${COPROCESSOR} runs node ${COPROCESSOR_ENTRY}`);
  });

  it('passes the container health check on ROUTER_COPROCESSOR_PORT', async () => {
    const coprocessor = await startRouterCoprocessor({
      env: envReader({ NODE_ENV: 'test', SUBGRAPH_SIGNING_SECRET: 'c'.repeat(32), LOG_LEVEL: 'silent' }),
      port: 0,
      host: '127.0.0.1',
    });
    try {
      const healthcheck = (port: number) =>
        new Promise<number | null>((resolve) => {
          const child = execFile(process.execPath, [join(root, 'docker/healthcheck.js')], {
            env: { ...process.env, SERVICE: COPROCESSOR, ROUTER_COPROCESSOR_PORT: String(port) },
          });
          child.on('exit', resolve);
        });
      expect(await healthcheck(coprocessor.port)).toBe(0);
      await coprocessor.close();
      expect(await healthcheck(coprocessor.port)).toBe(1);
    } finally {
      await coprocessor.close();
    }
  });
});
