import { join } from 'node:path';
import { envReader } from '@marketplace/kit';
import { readGatewayConfig, subgraphEnvPrefix } from './config';

const configOf = (env: Record<string, string>) => readGatewayConfig(envReader(env));

describe('readGatewayConfig', () => {
  it('has working defaults', () => {
    const config = configOf({});
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      trustProxy: false,
      corsOrigins: undefined,
      introspection: true,
      limits: {
        maxDepth: 12,
        maxAliases: 30,
        maxTokens: 5000,
        maxDirectives: 50,
        maxCost: 10_000,
        maxCostAnonymous: 3_000,
        maxResponseBytes: 2 * 2 ** 20,
      },
      healthTimeoutMs: 2000,
      subgraphTimeoutMs: 30000,
      rateLimit: { enabled: true, perUserPerMinute: 600, perIpPerMinute: 300 },
    });
    expect(config.supergraphPath).toBe(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'));
  });

  it('reads limits, ports and paths', () => {
    const config = configOf({
      GATEWAY_PORT: '8080',
      HOST: '0.0.0.0',
      GRAPHQL_MAX_DEPTH: '8',
      GRAPHQL_MAX_ALIASES: '5',
      GRAPHQL_MAX_TOKENS: '900',
      GRAPHQL_MAX_DIRECTIVES: '7',
      GRAPHQL_MAX_COST: '2000',
      GRAPHQL_MAX_COST_ANONYMOUS: '500',
      GRAPHQL_MAX_RESPONSE_BYTES: '65536',
      SUPERGRAPH_PATH: '/srv/supergraph.graphql',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      limits: {
        maxDepth: 8,
        maxAliases: 5,
        maxTokens: 900,
        maxDirectives: 7,
        maxCost: 2000,
        maxCostAnonymous: 500,
        maxResponseBytes: 65536,
      },
      supergraphPath: '/srv/supergraph.graphql',
    });
  });

  it.each([
    ['true', true],
    ['false', false],
    ['2', 2],
    ['10.0.0.0/8, 192.168.1.1', ['10.0.0.0/8', '192.168.1.1']],
  ])('TRUST_PROXY=%s', (value, expected) => {
    expect(configOf({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('allows no CORS origin in production unless named, and no introspection', () => {
    expect(configOf({ NODE_ENV: 'production', JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----' })).toMatchObject({
      corsOrigins: [],
      introspection: false,
    });
    expect(configOf({ NODE_ENV: 'production', CORS_ORIGINS: 'https://shop.example' }).corsOrigins).toEqual([
      'https://shop.example',
    ]);
  });

  it('reads per-subgraph URL overrides and refuses malformed ones', () => {
    const config = configOf({ USERS_URL: 'http://users:4001/graphql', ORDER_HISTORY_URL: 'ftp://nope' });
    expect(config.subgraphUrlOverride('users')).toBe('http://users:4001/graphql');
    expect(config.subgraphUrlOverride('catalog')).toBeUndefined();
    expect(() => config.subgraphUrlOverride('order-history')).toThrow('ORDER_HISTORY_URL must use http or https://');
    expect(subgraphEnvPrefix('order-history')).toBe('ORDER_HISTORY');
  });

  it("gives artifact uploads catalog's ARTIFACT_MAX_BYTES (100 MiB by default), images MEDIA_MAX_BYTES (10 MiB) and every other REST route REST_EDGE_MAX_BODY_BYTES (1 MiB)", () => {
    expect(configOf({}).restEdge.routes).toEqual([
      { prefix: '/webhooks/stripe', subgraph: 'payments', maxBodyBytes: 2 ** 20 },
      { prefix: '/uploads', subgraph: 'catalog', maxBodyBytes: 100 * 2 ** 20 },
      { prefix: '/downloads', subgraph: 'licensing', maxBodyBytes: 2 ** 20 },
      { prefix: '/licensing', subgraph: 'licensing', maxBodyBytes: 2 ** 20 },
      { prefix: '/exports', subgraph: 'users', maxBodyBytes: 2 ** 20 },
      { prefix: '/unsubscribe', subgraph: 'notifications', maxBodyBytes: 2 ** 20 },
      { prefix: '/invoices', subgraph: 'billing', maxBodyBytes: 2 ** 20 },
      { prefix: '/media/products', subgraph: 'catalog', maxBodyBytes: 10 * 2 ** 20 },
      { prefix: '/media/users', subgraph: 'users', maxBodyBytes: 10 * 2 ** 20 },
      { prefix: '/media/vendors', subgraph: 'vendor', maxBodyBytes: 10 * 2 ** 20 },
    ]);
    const limited = configOf({
      REST_EDGE_ROUTES: '/uploads/=catalog,/hooks=payments,/media/users=users,/mediation=probe',
      ARTIFACT_MAX_BYTES: '5000',
      MEDIA_MAX_BYTES: '600',
      REST_EDGE_MAX_BODY_BYTES: '70',
    });
    expect(limited.restEdge.routes).toEqual([
      { prefix: '/uploads', subgraph: 'catalog', maxBodyBytes: 5000 },
      { prefix: '/hooks', subgraph: 'payments', maxBodyBytes: 70 },
      { prefix: '/media/users', subgraph: 'users', maxBodyBytes: 600 },
      { prefix: '/mediation', subgraph: 'probe', maxBodyBytes: 70 },
    ]);
    expect(() => configOf({ MEDIA_MAX_BYTES: '0' })).toThrow('MEDIA_MAX_BYTES');
    expect(() => configOf({ ARTIFACT_MAX_BYTES: '0' })).toThrow('ARTIFACT_MAX_BYTES');
    expect(() => configOf({ REST_EDGE_MAX_BODY_BYTES: 'big' })).toThrow('REST_EDGE_MAX_BODY_BYTES');
  });

  it.each(['/files/..=probe', '/a%2fb=probe', '/a;b=probe', 'files=probe', '/files'])(
    'refuses the REST_EDGE_ROUTES entry %s',
    (entry) => {
      expect(() => configOf({ REST_EDGE_ROUTES: entry })).toThrow('REST_EDGE_ROUTES');
    },
  );

  it('refuses out-of-range limits with the variable named', () => {
    expect(() => configOf({ GRAPHQL_MAX_DEPTH: '0' })).toThrow('GRAPHQL_MAX_DEPTH');
    expect(() => configOf({ GRAPHQL_MAX_TOKENS: 'lots' })).toThrow('GRAPHQL_MAX_TOKENS');
    expect(() => configOf({ GRAPHQL_MAX_COST: '0' })).toThrow('GRAPHQL_MAX_COST');
    expect(() => configOf({ GRAPHQL_MAX_RESPONSE_BYTES: '10' })).toThrow('GRAPHQL_MAX_RESPONSE_BYTES');
    expect(() => configOf({ RATE_LIMIT_PER_USER_PER_MINUTE: '0' })).toThrow('RATE_LIMIT_PER_USER_PER_MINUTE');
    expect(() => configOf({ RATE_LIMIT_PER_IP_PER_MINUTE: '10/s' })).toThrow('RATE_LIMIT_PER_IP_PER_MINUTE');
    expect(() => configOf({ RATE_LIMIT_ENABLED: 'maybe' })).toThrow('RATE_LIMIT_ENABLED must be true or false');
  });

  it('keeps the anonymous cost budget at or under the signed-in one', () => {
    expect(configOf({ GRAPHQL_MAX_COST: '1000' }).limits).toMatchObject({ maxCost: 1000, maxCostAnonymous: 1000 });
    expect(() => configOf({ GRAPHQL_MAX_COST: '1000', GRAPHQL_MAX_COST_ANONYMOUS: '1001' })).toThrow(
      'GRAPHQL_MAX_COST_ANONYMOUS must not exceed GRAPHQL_MAX_COST (1000)',
    );
  });

  it("keeps @apollo/gateway's usage reports to Apollo off unless APOLLO_TELEMETRY_DISABLED=false, and refuses a value that is no boolean", () => {
    expect(configOf({}).apolloTelemetry).toBe(false);
    expect(configOf({ APOLLO_TELEMETRY_DISABLED: 'true' }).apolloTelemetry).toBe(false);
    expect(configOf({ APOLLO_TELEMETRY_DISABLED: 'false' }).apolloTelemetry).toBe(true);
    expect(configOf({ APOLLO_TELEMETRY_DISABLED: '0' }).apolloTelemetry).toBe(true);
    expect(() => configOf({ APOLLO_TELEMETRY_DISABLED: 'maybe' })).toThrow(
      'APOLLO_TELEMETRY_DISABLED must be true or false',
    );
  });

  it('reads the rate limits', () => {
    expect(configOf({ RATE_LIMIT_PER_USER_PER_MINUTE: '1200', RATE_LIMIT_PER_IP_PER_MINUTE: '60' }).rateLimit).toEqual({
      enabled: true,
      perUserPerMinute: 1200,
      perIpPerMinute: 60,
      perApiKeyPerMinute: 300,
      storeTimeoutMs: 250,
      webhooksPerIpPerMinute: 1200,
      mediaPerIpPerMinute: 3000,
    });
    expect(configOf({ RATE_LIMIT_PER_API_KEY_PER_MINUTE: '30' }).rateLimit.perApiKeyPerMinute).toBe(30);
    expect(configOf({}).apiKeys).toEqual({ cacheSeconds: 5 });
    expect(configOf({ API_KEY_CACHE_SECONDS: '0' }).apiKeys.cacheSeconds).toBe(0);
    expect(() => configOf({ API_KEY_CACHE_SECONDS: '61' })).toThrow(
      'API_KEY_CACHE_SECONDS must be an integer between 0 and 60',
    );
    expect(configOf({ RATE_LIMIT_WEBHOOKS_PER_IP_PER_MINUTE: '50' }).rateLimit.webhooksPerIpPerMinute).toBe(50);
    expect(configOf({ RATE_LIMIT_MEDIA_PER_IP_PER_MINUTE: '90' }).rateLimit.mediaPerIpPerMinute).toBe(90);
    expect(() => configOf({ RATE_LIMIT_MEDIA_PER_IP_PER_MINUTE: '-1' })).toThrow(
      'RATE_LIMIT_MEDIA_PER_IP_PER_MINUTE must be an integer between 1 and 1000000',
    );
    expect(() => configOf({ RATE_LIMIT_WEBHOOKS_PER_IP_PER_MINUTE: '0' })).toThrow(
      'RATE_LIMIT_WEBHOOKS_PER_IP_PER_MINUTE must be an integer between 1 and 1000000',
    );
    expect(configOf({ RATE_LIMIT_ENABLED: 'false' }).rateLimit.enabled).toBe(false);
    expect(configOf({ RATE_LIMIT_STORE_TIMEOUT_MS: '1000' }).rateLimit.storeTimeoutMs).toBe(1000);
  });

  it('reads the WebSocket limits, 1 MiB messages by default like HTTP bodies', () => {
    expect(configOf({}).webSocket).toEqual({
      maxMessageBytes: 1_048_576,
      maxOperationsInFlight: 100,
      maxSocketsPerUser: 10,
      maxSocketsPerIp: 50,
    });
    expect(
      configOf({
        WS_MAX_MESSAGE_BYTES: '65536',
        WS_MAX_OPERATIONS_IN_FLIGHT: '5',
        WS_MAX_SOCKETS_PER_USER: '2',
        WS_MAX_SOCKETS_PER_IP: '20',
      }).webSocket,
    ).toEqual({ maxMessageBytes: 65_536, maxOperationsInFlight: 5, maxSocketsPerUser: 2, maxSocketsPerIp: 20 });
    expect(() => configOf({ WS_MAX_SOCKETS_PER_USER: '0' })).toThrow(/WS_MAX_SOCKETS_PER_USER/);
  });
});
