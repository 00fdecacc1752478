import { ConfigError, envReader } from '@marketplace/kit';
import { temporaryDirectories } from '@marketplace/kit/testing';
import { readBillingConfig } from './config';

const dataDir = temporaryDirectories('billing-config-');
const read = (env: Record<string, string>) => readBillingConfig(envReader({ DATA_DIR: dataDir(), ...env }));
const SECRET = 'a'.repeat(64);

describe('readBillingConfig', () => {
  it('defaults outside production: the demo seller in IE, gateway URL, 5 minute links', () => {
    expect(read({})).toMatchObject({
      seller: {
        name: 'Marketplace Demo Ltd',
        addressLines: ['1 Demo Street', 'Dublin D02 X285', 'Ireland'],
        vatId: 'IE1234567T',
        country: 'IE',
      },
      publicUrl: 'http://127.0.0.1:4000',
      linkTtlSeconds: 300,
    });
  });

  it('reads every setting: address lines split on line breaks or literal \\n, VAT id normalized, country upper case', () => {
    const config = read({
      SELLER_NAME: 'Agents Market GmbH',
      SELLER_ADDRESS: 'Unter den Linden 1\\n10117 Berlin\nGermany',
      SELLER_VAT_ID: 'de 123.456.789',
      SELLER_COUNTRY: 'de',
      PUBLIC_URL: 'https://market.example/',
      INVOICE_LINK_TTL_SECONDS: '60',
      URL_SIGNING_SECRET: SECRET,
    });
    expect(config).toMatchObject({
      seller: {
        name: 'Agents Market GmbH',
        addressLines: ['Unter den Linden 1', '10117 Berlin', 'Germany'],
        vatId: 'DE123456789',
        country: 'DE',
      },
      publicUrl: 'https://market.example',
      linkTtlSeconds: 60,
    });
    expect(config.urlSigningSecret).toEqual(Buffer.from(SECRET, 'hex'));
  });

  it('requires the real seller in production (an invoice is a legal document), and a signing secret', () => {
    const production = { NODE_ENV: 'production', URL_SIGNING_SECRET: SECRET };
    expect(() => read(production)).toThrow('config: SELLER_NAME is required in production');
    expect(() => read({ ...production, SELLER_NAME: 'X Ltd' })).toThrow(
      'config: SELLER_ADDRESS is required in production',
    );
    expect(() => read({ ...production, SELLER_NAME: 'X Ltd', SELLER_ADDRESS: '1 St' })).toThrow(
      'config: SELLER_VAT_ID is required in production',
    );
    expect(() =>
      read({ NODE_ENV: 'production', SELLER_NAME: 'X Ltd', SELLER_ADDRESS: '1 St', SELLER_VAT_ID: 'IE1234567T' }),
    ).toThrow('config: URL_SIGNING_SECRET is required in production');
    expect(
      read({ ...production, SELLER_NAME: 'X Ltd', SELLER_ADDRESS: '1 St', SELLER_VAT_ID: 'IE1234567T' }).seller,
    ).toEqual({ name: 'X Ltd', addressLines: ['1 St'], vatId: 'IE1234567T', country: 'IE' });
  });

  it.each([
    [{ SELLER_COUNTRY: 'Ireland' }, 'SELLER_COUNTRY'],
    [{ SELLER_COUNTRY: 'I1' }, 'SELLER_COUNTRY'],
    [{ SELLER_VAT_ID: '1234567' }, 'SELLER_VAT_ID'],
    [{ SELLER_NAME: 'x'.repeat(201) }, 'SELLER_NAME'],
    [{ SELLER_NAME: 'Bell\u0007 Ltd' }, 'SELLER_NAME'],
    [{ SELLER_ADDRESS: '1\n2\n3\n4\n5\n6\n7' }, 'SELLER_ADDRESS'],
    [{ INVOICE_LINK_TTL_SECONDS: '0' }, 'INVOICE_LINK_TTL_SECONDS'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
  ])('refuses %j naming %s', (env, variable) => {
    let error: unknown;
    try {
      read(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
  });
});
