import { ConfigError, envReader } from '@marketplace/kit';
import { DEFAULT_ROUTER_COPROCESSOR_PORT, readRouterCoprocessorConfig } from './settings';

describe('the router coprocessor’s settings', () => {
  it('listens on loopback at 4098 and trusts no forwarded client IP unless told', () => {
    const config = readRouterCoprocessorConfig(envReader({}));
    expect(DEFAULT_ROUTER_COPROCESSOR_PORT).toBe(4098);
    expect({ port: config.port, host: config.host, trustClientIp: config.trustClientIp }).toEqual({
      port: 4098,
      host: '127.0.0.1',
      trustClientIp: false,
    });
  });

  it('reads ROUTER_COPROCESSOR_PORT, HOST and ROUTER_COPROCESSOR_TRUST_CLIENT_IP', () => {
    const config = readRouterCoprocessorConfig(
      envReader({ ROUTER_COPROCESSOR_PORT: '5098', HOST: '::1', ROUTER_COPROCESSOR_TRUST_CLIENT_IP: 'yes' }),
    );
    expect({ port: config.port, host: config.host, trustClientIp: config.trustClientIp }).toEqual({
      port: 5098,
      host: '::1',
      trustClientIp: true,
    });
  });

  it.each([
    ['ROUTER_COPROCESSOR_PORT', 'http'],
    ['ROUTER_COPROCESSOR_PORT', '70000'],
    ['ROUTER_COPROCESSOR_TRUST_CLIENT_IP', 'maybe'],
    ['SUBGRAPH_SIGNING_SECRET', 'too-short'],
  ])('refuses %s=%s with a line naming it', (name, value) => {
    expect(() => readRouterCoprocessorConfig(envReader({ [name]: value }))).toThrow(ConfigError);
    expect(() => readRouterCoprocessorConfig(envReader({ [name]: value }))).toThrow(name);
  });
});
