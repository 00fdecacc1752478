import { ConfigError, envReader } from '@marketplace/kit';
import { readVendorConfig } from './config';

describe('readVendorConfig', () => {
  it('defaults the commission to 1500 basis points and the earnings hold to 7 days', () => {
    expect(readVendorConfig(envReader({}))).toEqual({ defaultCommissionBps: 1500, earningsHoldDays: 7 });
  });

  it.each(['0', '10000', '875'])('accepts VENDOR_DEFAULT_COMMISSION_BPS=%s', (value) => {
    expect(readVendorConfig(envReader({ VENDOR_DEFAULT_COMMISSION_BPS: value })).defaultCommissionBps).toBe(
      Number(value),
    );
  });

  it.each(['-1', '10001', '15%', '0.15'])(
    'stops on VENDOR_DEFAULT_COMMISSION_BPS=%s with one line naming the variable',
    (value) => {
      expect(() => readVendorConfig(envReader({ VENDOR_DEFAULT_COMMISSION_BPS: value }))).toThrow(ConfigError);
      expect(() => readVendorConfig(envReader({ VENDOR_DEFAULT_COMMISSION_BPS: value }))).toThrow(
        /^config: VENDOR_DEFAULT_COMMISSION_BPS must be an integer between 0 and 10000/,
      );
    },
  );

  it.each(['0', '7', '90'])('accepts VENDOR_EARNINGS_HOLD_DAYS=%s', (value) => {
    expect(readVendorConfig(envReader({ VENDOR_EARNINGS_HOLD_DAYS: value })).earningsHoldDays).toBe(Number(value));
  });

  it.each(['-1', '91', '7d', '1.5', 'week'])(
    'stops on VENDOR_EARNINGS_HOLD_DAYS=%s with one line naming the variable',
    (value) => {
      expect(() => readVendorConfig(envReader({ VENDOR_EARNINGS_HOLD_DAYS: value }))).toThrow(ConfigError);
      expect(() => readVendorConfig(envReader({ VENDOR_EARNINGS_HOLD_DAYS: value }))).toThrow(
        /^config: VENDOR_EARNINGS_HOLD_DAYS must be an integer between 0 and 90/,
      );
    },
  );
});
