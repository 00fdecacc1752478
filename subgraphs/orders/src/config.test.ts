import { ConfigError, envReader } from '@marketplace/kit';
import { readOrdersConfig } from './config';

describe('readOrdersConfig', () => {
  it('defaults to a 30 minute payment timeout checked every 60 seconds', () => {
    expect(readOrdersConfig(envReader({}))).toEqual({
      paymentTimeoutMinutes: 30,
      expiryCheckSeconds: 60,
      sellerCountry: 'IE',
    });
  });

  it('reads every setting', () => {
    expect(
      readOrdersConfig(
        envReader({ ORDER_PAYMENT_TIMEOUT_MINUTES: '5', ORDER_EXPIRY_CHECK_SECONDS: '10', SELLER_COUNTRY: ' de ' }),
      ),
    ).toEqual({ paymentTimeoutMinutes: 5, expiryCheckSeconds: 10, sellerCountry: 'DE' });
  });

  it.each(['XX', 'DEU', '1', 'D E'])('stops on SELLER_COUNTRY=%j, which is no ISO 3166-1 alpha-2 code', (value) => {
    const read = () => readOrdersConfig(envReader({ SELLER_COUNTRY: value }));
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/^config: SELLER_COUNTRY must be an ISO 3166-1 alpha-2 country code/);
  });

  it.each([
    ['ORDER_PAYMENT_TIMEOUT_MINUTES', '0'],
    ['ORDER_PAYMENT_TIMEOUT_MINUTES', '30m'],
    ['ORDER_PAYMENT_TIMEOUT_MINUTES', '10081'],
    ['ORDER_EXPIRY_CHECK_SECONDS', '0'],
    ['ORDER_EXPIRY_CHECK_SECONDS', '1.5'],
    ['ORDER_EXPIRY_CHECK_SECONDS', '3601'],
  ])('stops on %s=%s with one line naming the variable', (name, value) => {
    const read = () => readOrdersConfig(envReader({ [name]: value }));
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(new RegExp(`^config: ${name} must be an integer between`));
  });
});
