import { Socket } from 'node:net';
import { APOLLO_TELEMETRY_VARIABLE, constructedWithApolloTelemetry } from './apollo-telemetry';
import { startProbeStack } from '../testing/stack';

describe('constructedWithApolloTelemetry', () => {
  const original = process.env[APOLLO_TELEMETRY_VARIABLE];
  afterEach(() => {
    if (original === undefined) delete process.env[APOLLO_TELEMETRY_VARIABLE];
    else process.env[APOLLO_TELEMETRY_VARIABLE] = original;
  });

  it('spells the switch as the package reads it while constructing, whatever the environment said', () => {
    for (const before of [undefined, 'yes', '1', 'off']) {
      if (before === undefined) delete process.env[APOLLO_TELEMETRY_VARIABLE];
      else process.env[APOLLO_TELEMETRY_VARIABLE] = before;
      expect(constructedWithApolloTelemetry(false, () => process.env[APOLLO_TELEMETRY_VARIABLE])).toBe('true');
      expect(constructedWithApolloTelemetry(true, () => process.env[APOLLO_TELEMETRY_VARIABLE])).toBe('false');
      expect(process.env[APOLLO_TELEMETRY_VARIABLE]).toBe(before);
    }
  });

  it('puts the variable back when construction throws', () => {
    process.env[APOLLO_TELEMETRY_VARIABLE] = 'yes';
    expect(() =>
      constructedWithApolloTelemetry(false, () => {
        throw new Error('bad supergraph');
      }),
    ).toThrow('bad supergraph');
    expect(process.env[APOLLO_TELEMETRY_VARIABLE]).toBe('yes');
  });
});

/** Where `net.Socket#connect` was asked to go: a host (or a Unix socket path) for each call. */
function recordConnections(): { destinations(): string[]; restore(): void } {
  const connect = jest.spyOn(Socket.prototype, 'connect');
  return {
    destinations: () => connect.mock.calls.map((args: unknown[]) => destinationOf(args)),
    restore: () => connect.mockRestore(),
  };
}

function destinationOf(args: unknown[]): string {
  // net.createConnection hands over its normalised [options, callback] pair; pg passes (port, host).
  const first: unknown = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const { host, path, port } = first as { host?: string; path?: string; port?: number };
    return path ?? `${host ?? 'localhost'}:${port}`;
  }
  return `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${String(first)}`;
}

const LOCAL = /^(127\.0\.0\.1|localhost|::1|\[::1\]):|^\//;

it('starts, serves and stops without connecting anywhere but its own subgraphs and services: no cloud-metadata probe, no report to Apollo', async () => {
  const recorder = recordConnections();
  try {
    const stack = await startProbeStack();
    try {
      expect(await stack.client.data('{ whoami { requestId } }')).toMatchObject({
        whoami: { requestId: expect.any(String) },
      });
      // A probe would be on its way by now: the detectors start as the gateway is constructed.
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await stack.close();
    }
    // The recorder saw the gateway's own call to the probe subgraph, so it sees what the gateway opens.
    expect(recorder.destinations().some((destination) => destination.startsWith('127.0.0.1:'))).toBe(true);
    expect(recorder.destinations().filter((destination) => !LOCAL.test(destination))).toEqual([]);
  } finally {
    recorder.restore();
  }
});
