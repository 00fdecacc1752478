import { Writable } from 'node:stream';
import { createLogger } from './logger';

/** What a log line may never carry: secrets and bearer credentials, wherever they sit in what is logged. */
function linesOf(write: (log: ReturnType<typeof createLogger>) => void): string {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  write(createLogger({ name: 'test', level: 'info', destination }));
  return chunks.join('');
}

it('redacts passwords, tokens and license keys, nested in events too', () => {
  const written = linesOf((log) => {
    log.info({ password: 'hunter2', user: { token: 'tok-secret' } }, 'credentials');
    log.info({ licenseKey: 'mk1.secret-key-1', license: { licenseKey: 'mk1.secret-key-2' } }, 'a license');
    log.info(
      { event: { payload: { licenses: [{ licenseId: 'l-1', licenseKey: 'mk1.secret-key-3' }] } } },
      'an envelope',
    );
    log.info({ payload: { licenses: [{ licenseId: 'l-2', licenseKey: 'mk1.secret-key-4' }] } }, 'a payload');
  });
  for (const secret of [
    'hunter2',
    'tok-secret',
    'mk1.secret-key-1',
    'mk1.secret-key-2',
    'mk1.secret-key-3',
    'mk1.secret-key-4',
  ])
    expect(written).not.toContain(secret);
  expect(written).toContain('"licenseId":"l-1"');
  expect(written).toContain('"licenseId":"l-2"');
  expect(written.match(/\[redacted\]/g)?.length).toBe(6);
});

it("redacts vendors' API keys: the exchange header and createApiKey's secret", () => {
  const written = linesOf((log) => {
    log.info({ req: { headers: { 'x-api-key': 'mk_0123456789abcdef_key-1' } } }, 'a request');
    log.info({ headers: { 'x-api-key': 'mk_0123456789abcdef_key-2' } }, 'headers');
    log.info({ createApiKey: { secret: 'mk_0123456789abcdef_key-3', apiKey: { name: 'ci' } } }, 'an answer');
  });
  for (const key of ['key-1', 'key-2', 'key-3']) expect(written).not.toContain(key);
  expect(written).toContain('"name":"ci"');
});
