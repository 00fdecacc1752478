import { ConfigError, envReader } from '@marketplace/kit';
import { readCatalogConfig } from './config';

const read = (env: Record<string, string>) =>
  readCatalogConfig(envReader({ DATA_DIR: '/tmp/catalog-config-test', ...env }));
const SECRET = 'ab'.repeat(32);

it('has defaults: gateway URL, 100 MiB, 15 minutes, 60 s cache, artifacts under DATA_DIR', () => {
  const config = read({ URL_SIGNING_SECRET: SECRET });
  expect(config).toMatchObject({
    publicUrl: 'http://127.0.0.1:4000',
    artifacts: { storageDir: '/tmp/catalog-config-test/artifacts', maxBytes: 104_857_600, uploadTtlSeconds: 900 },
    cacheTtlSeconds: 60,
  });
  expect(config.urlSigningSecret.toString('hex')).toBe(SECRET);
});

it('reads every setting, trimming a trailing slash of PUBLIC_URL', () => {
  const config = read({
    URL_SIGNING_SECRET: SECRET,
    PUBLIC_URL: 'https://api.example.com/',
    ARTIFACT_STORAGE_DIR: '/srv/artifacts',
    ARTIFACT_MAX_BYTES: '1024',
    ARTIFACT_UPLOAD_TTL_SECONDS: '60',
    CATALOG_CACHE_TTL_SECONDS: '0',
  });
  expect(config).toMatchObject({
    publicUrl: 'https://api.example.com',
    artifacts: { storageDir: '/srv/artifacts', maxBytes: 1024, uploadTtlSeconds: 60 },
    cacheTtlSeconds: 0,
  });
});

it.each([
  ['PUBLIC_URL', 'ftp://x'],
  ['PUBLIC_URL', 'not a url'],
  ['ARTIFACT_MAX_BYTES', '0'],
  ['ARTIFACT_MAX_BYTES', '3000000000'],
  ['ARTIFACT_UPLOAD_TTL_SECONDS', 'soon'],
  ['CATALOG_CACHE_TTL_SECONDS', '-1'],
  ['URL_SIGNING_SECRET', 'abcd'],
])('stops with one line naming %s when it is %p', (variable, value) => {
  expect(() => read({ URL_SIGNING_SECRET: SECRET, [variable]: value })).toThrow(ConfigError);
  expect(() => read({ URL_SIGNING_SECRET: SECRET, [variable]: value })).toThrow(new RegExp(`^config: ${variable} `));
});

it('requires URL_SIGNING_SECRET in production', () => {
  expect(() => read({ NODE_ENV: 'production' })).toThrow(/URL_SIGNING_SECRET/);
});
