import { ConfigError, envReader, readCommonConfig, redactUrl } from './config';
import { loadTokenKeys } from './auth/keys';

/** Runs `read` and returns the ConfigError it must throw. */
function configError(read: () => unknown): ConfigError {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('envReader', () => {
  describe('string', () => {
    it('returns the trimmed value, or the fallback when unset or blank', () => {
      const env = envReader({ NAME: '  value  ', BLANK: '   ' });
      expect(env.string('NAME')).toBe('value');
      expect(env.string('MISSING', 'fallback')).toBe('fallback');
      expect(env.string('BLANK', 'fallback')).toBe('fallback');
      expect(env.optionalString('MISSING')).toBeUndefined();
      expect(env.optionalString('BLANK')).toBeUndefined();
    });

    it('refuses a missing required setting with a one-line ConfigError naming the variable', () => {
      const error = configError(() => envReader({}).string('SECRET_THING'));
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('ConfigError');
      expect(error.variable).toBe('SECRET_THING');
      expect(error.message).toBe('config: SECRET_THING is required but not set');
    });
  });

  describe('int', () => {
    it('parses integers (with surrounding spaces and signs) and falls back when unset', () => {
      const env = envReader({ A: '42', B: ' 7 ', C: '-3', D: '007' });
      expect(env.int('A', 1)).toBe(42);
      expect(env.int('B', 1)).toBe(7);
      expect(env.int('C', 1, { min: -5 })).toBe(-3);
      expect(env.int('D', 1)).toBe(7);
      expect(env.int('MISSING', 15)).toBe(15);
    });

    it('accepts the bounds of its range and refuses one past either end', () => {
      const env = envReader({ LOW: '10', HIGH: '20', UNDER: '9', OVER: '21' });
      expect(env.int('LOW', 0, { min: 10, max: 20 })).toBe(10);
      expect(env.int('HIGH', 0, { min: 10, max: 20 })).toBe(20);
      expect(configError(() => env.int('UNDER', 0, { min: 10, max: 20 })).message).toBe(
        'config: UNDER must be an integer between 10 and 20 (got "9")',
      );
      expect(configError(() => env.int('OVER', 0, { min: 10, max: 20 })).variable).toBe('OVER');
    });

    it.each(['1.5', '1e3', '0x10', 'abc', '12abc', '+', '99999999999999999999'])('refuses "%s"', (value) => {
      const error = configError(() => envReader({ N: value }).int('N', 0));
      expect(error.variable).toBe('N');
      expect(error.message).toContain(`(got "${value}")`);
    });
  });

  describe('port', () => {
    it('accepts 0 to 65535', () => {
      expect(envReader({ P: '0' }).port('P', 1)).toBe(0);
      expect(envReader({ P: '65535' }).port('P', 1)).toBe(65535);
      expect(envReader({}).port('P', 4001)).toBe(4001);
    });

    it.each(['65536', '-1', 'http', '80.5'])('refuses "%s"', (value) => {
      expect(configError(() => envReader({ USERS_PORT: value }).port('USERS_PORT', 4001)).message).toMatch(
        /^config: USERS_PORT must be an integer between 0 and 65535/,
      );
    });
  });

  describe('url', () => {
    it('returns the value when its protocol is allowed, undefined when unset', () => {
      const env = envReader({ DB: 'postgresql://u:p@db:5432/app', REDIS: 'rediss://cache:6380' });
      expect(env.url('DB', ['postgres', 'postgresql'])).toBe('postgresql://u:p@db:5432/app');
      expect(env.url('REDIS', ['redis', 'rediss'])).toBe('rediss://cache:6380');
      expect(env.url('MISSING', ['redis'])).toBeUndefined();
    });

    it('refuses another protocol, naming the allowed ones', () => {
      const error = configError(() =>
        envReader({ REDIS_URL: 'http://cache:6379' }).url('REDIS_URL', ['redis', 'rediss']),
      );
      expect(error.message).toBe('config: REDIS_URL must use redis or rediss:// (got "http://")');
    });

    it('refuses something that is not a URL without printing its password', () => {
      const error = configError(() =>
        envReader({ DATABASE_URL: 'postgres://app:hunter2@db:notaport/app' }).url('DATABASE_URL', ['postgres']),
      );
      expect(error.variable).toBe('DATABASE_URL');
      expect(error.message).toMatch(/^config: DATABASE_URL must be a URL/);
      expect(error.message).not.toContain('hunter2');
      expect(configError(() => envReader({ U: 'just words' }).url('U', ['postgres'])).message).toBe(
        'config: U must be a URL (got "just words")',
      );
    });
  });

  describe('bool', () => {
    it.each([
      ['1', true],
      ['true', true],
      ['TRUE', true],
      ['yes', true],
      ['On', true],
      ['0', false],
      ['false', false],
      ['no', false],
      ['OFF', false],
    ])('reads "%s" as %s', (value, expected) => {
      expect(envReader({ FLAG: value }).bool('FLAG', !expected)).toBe(expected);
    });

    it('falls back when unset and refuses anything else', () => {
      expect(envReader({}).bool('FLAG', true)).toBe(true);
      expect(configError(() => envReader({ FLAG: 'maybe' }).bool('FLAG', false)).message).toBe(
        'config: FLAG must be true or false (got "maybe")',
      );
    });
  });

  describe('oneOf', () => {
    const LEVELS = ['debug', 'info', 'warn'] as const;

    it('accepts an allowed value and falls back when unset', () => {
      expect(envReader({ LEVEL: 'warn' }).oneOf('LEVEL', LEVELS, 'info')).toBe('warn');
      expect(envReader({}).oneOf('LEVEL', LEVELS, 'info')).toBe('info');
    });

    it('refuses anything else (case matters), listing what is allowed', () => {
      expect(configError(() => envReader({ LEVEL: 'WARN' }).oneOf('LEVEL', LEVELS, 'info')).message).toBe(
        'config: LEVEL must be one of debug, info, warn (got "WARN")',
      );
    });
  });

  describe('list', () => {
    it('splits on commas, trims and drops empty items; falls back when unset', () => {
      expect(envReader({ L: ' a, b ,,c , ' }).list('L', [])).toEqual(['a', 'b', 'c']);
      expect(envReader({}).list('L', ['x'])).toEqual(['x']);
    });
  });

  it('every ConfigError is a single line that starts with the variable name', () => {
    const env = envReader({ I: 'x\ny', P: '70000', U: 'ftp://a', B: 'perhaps', O: 'nope' });
    const errors = [
      configError(() => env.string('S')),
      configError(() => env.int('I', 0)),
      configError(() => env.port('P', 0)),
      configError(() => env.url('U', ['http'])),
      configError(() => env.bool('B', false)),
      configError(() => env.oneOf('O', ['a', 'b'], 'a')),
    ];
    for (const error of errors) {
      expect(error.message.startsWith(`config: ${error.variable} `)).toBe(true);
      expect(error.message).not.toMatch(/[\r\n]/);
    }
  });
});

describe('redactUrl', () => {
  it.each([
    ['postgres://app:hunter2@db:5432/app', 'postgres://app:***@db:5432/app'],
    ['redis://:hunter2@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['postgres://app:p@ss:w0rd@db/app', 'postgres://app:***@db/app'],
  ])('hides the password of %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
    expect(redactUrl(url)).not.toMatch(/hunter2|ss:w0rd/);
  });

  it.each(['postgres://db:5432/app', 'redis://user@cache:6379', 'https://host:8080/path@x', 'not a url'])(
    'leaves %s unchanged',
    (url) => {
      expect(redactUrl(url)).toBe(url);
    },
  );
});

describe('readCommonConfig', () => {
  it('has working defaults', () => {
    expect(readCommonConfig(envReader({}))).toEqual({
      environment: 'development',
      logLevel: 'info',
      databaseUrl: undefined,
      databasePoolSize: 10,
      redisUrl: undefined,
      redisKeyPrefix: 'marketplace',
      sessionKeyPrefix: 'marketplace:sessions',
      amqpUrl: undefined,
      dataDir: '.data',
      events: {
        exchange: 'marketplace.events',
        deadLetterExchange: 'marketplace.dlx',
        queuePrefix: '',
        temporary: false,
        queueType: 'classic',
        maxAttempts: 5,
        retryBaseDelayMs: 200,
        retryMaxDelayMs: 5000,
        prefetch: 16,
        outboxBatchSize: 100,
        outboxPollMs: 1000,
        backlogReportMs: 5000,
      },
      jwt: {
        publicKeyPem: undefined,
        privateKeyPem: undefined,
        issuer: 'marketplace-users',
        audience: 'marketplace',
        adminRequiresSecondFactor: false,
      },
      exposeInternalErrors: false,
      subgraphSigningSecret: undefined,
      operationLimits: { maxDepth: 12, maxAliases: 30, maxDirectives: 50, maxTokens: 5000 },
      databaseMigrations: 'apply',
    });
  });

  it('asks admins for a second factor in production and nowhere else, unless ADMIN_REQUIRE_TWO_FACTOR says', () => {
    const required = (env: Record<string, string>) => readCommonConfig(envReader(env)).jwt.adminRequiresSecondFactor;
    expect(required({})).toBe(false);
    expect(required({ NODE_ENV: 'test' })).toBe(false);
    expect(required({ NODE_ENV: 'production' })).toBe(true);
    expect(required({ NODE_ENV: 'production', ADMIN_REQUIRE_TWO_FACTOR: 'false' })).toBe(false);
    expect(required({ NODE_ENV: 'development', ADMIN_REQUIRE_TWO_FACTOR: 'true' })).toBe(true);
  });

  it('reads what a subgraph does with its migrations at start, and refuses anything else', () => {
    const migrations = (value: string) =>
      readCommonConfig(envReader({ DATABASE_MIGRATIONS: value })).databaseMigrations;
    expect(migrations('verify')).toBe('verify');
    expect(migrations('only')).toBe('only');
    expect(configError(() => migrations('skip')).message).toBe(
      'config: DATABASE_MIGRATIONS must be one of apply, verify, only (got "skip")',
    );
  });

  it('reads the operation limits every subgraph port and the gateway apply, and refuses bad ones', () => {
    const env = {
      GRAPHQL_MAX_DEPTH: '8',
      GRAPHQL_MAX_ALIASES: '5',
      GRAPHQL_MAX_DIRECTIVES: '7',
      GRAPHQL_MAX_TOKENS: '900',
    };
    expect(readCommonConfig(envReader(env)).operationLimits).toEqual({
      maxDepth: 8,
      maxAliases: 5,
      maxDirectives: 7,
      maxTokens: 900,
    });
    expect(() => readCommonConfig(envReader({ GRAPHQL_MAX_DEPTH: '0' }))).toThrow(
      'config: GRAPHQL_MAX_DEPTH must be an integer between 1 and 1000 (got "0")',
    );
    expect(() => readCommonConfig(envReader({ GRAPHQL_MAX_TOKENS: '99' }))).toThrow('GRAPHQL_MAX_TOKENS');
  });

  it('keeps session versions under the Redis key prefix unless SESSION_KEY_PREFIX says otherwise', () => {
    expect(readCommonConfig(envReader({ REDIS_KEY_PREFIX: 'shop' })).sessionKeyPrefix).toBe('shop:sessions');
    expect(
      readCommonConfig(envReader({ REDIS_KEY_PREFIX: 'shop', SESSION_KEY_PREFIX: 'shared:sessions' })).sessionKeyPrefix,
    ).toBe('shared:sessions');
  });

  it('exposes internal error messages only in development, and only when asked to', () => {
    const expose = (env: Record<string, string>) => readCommonConfig(envReader(env)).exposeInternalErrors;
    expect(expose({ EXPOSE_INTERNAL_ERRORS: 'true' })).toBe(true);
    expect(expose({ NODE_ENV: 'development', EXPOSE_INTERNAL_ERRORS: 'false' })).toBe(false);
    expect(expose({ NODE_ENV: 'test', EXPOSE_INTERNAL_ERRORS: 'true' })).toBe(false);
    expect(expose({ NODE_ENV: 'production', EXPOSE_INTERNAL_ERRORS: 'true' })).toBe(false);
  });

  it('accepts PEM keys written with literal \\n and refuses anything that is not PEM', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\\nABC\\n-----END PUBLIC KEY-----';
    expect(readCommonConfig(envReader({ JWT_PUBLIC_KEY: pem })).jwt.publicKeyPem).toBe(
      '-----BEGIN PUBLIC KEY-----\nABC\n-----END PUBLIC KEY-----',
    );
    expect(configError(() => readCommonConfig(envReader({ JWT_PRIVATE_KEY: 'secret' }))).message).toBe(
      'config: JWT_PRIVATE_KEY must be a PEM-encoded key',
    );
  });

  it('stops on the first invalid shared setting', () => {
    expect(configError(() => readCommonConfig(envReader({ NODE_ENV: 'staging' }))).variable).toBe('NODE_ENV');
    expect(configError(() => readCommonConfig(envReader({ REDIS_URL: 'http://cache' }))).variable).toBe('REDIS_URL');
    expect(configError(() => readCommonConfig(envReader({ DATABASE_POOL_SIZE: '0' }))).variable).toBe(
      'DATABASE_POOL_SIZE',
    );
    expect(configError(() => readCommonConfig(envReader({ DATABASE_POOL_SIZE: 'ten' }))).variable).toBe(
      'DATABASE_POOL_SIZE',
    );
  });

  it('never generates development keys in production', () => {
    const config = readCommonConfig(envReader({ NODE_ENV: 'production', DATA_DIR: '/nonexistent' }));
    expect(configError(() => loadTokenKeys(config)).variable).toBe('JWT_PUBLIC_KEY');
  });
});
