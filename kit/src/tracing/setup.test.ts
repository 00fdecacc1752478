import { join } from 'node:path';
import { defaultServiceName, startTracing } from './setup';

describe('tracing set-up', () => {
  it('names the service after the package of the program started, and the embedded start script "marketplace"', () => {
    const root = join(__dirname, '..', '..', '..');
    expect(defaultServiceName(join(root, 'subgraphs', 'orders', 'dist', 'main.js'))).toBe('orders');
    expect(defaultServiceName(join(root, 'gateway', 'dist', 'main.js'))).toBe('gateway');
    expect(defaultServiceName(join(root, 'scripts', 'dist', 'start.js'))).toBe('marketplace');
    expect(defaultServiceName(undefined)).toBe('marketplace');
  });

  it('refuses an exporter or protocol it does not bundle, naming the variable, before registering anything', () => {
    expect(() => startTracing({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      'OTEL_TRACES_EXPORTER: "zipkin" is not supported here (otlp, console or none)',
    );
    expect(() =>
      startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    ).toThrow('OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported here (http/protobuf or http/json)');
  });

  it('does nothing at all when OTEL_SDK_DISABLED=true', () => {
    expect(startTracing({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'zipkin' })).toBeUndefined();
  });
});
