import { createHash, randomBytes } from 'node:crypto';
import { ProbeStack, startProbeStack } from '../testing/stack';

/** The gateway's REST edge: bytes streamed to the owning subgraph, untouched, with the gateway's headers. */
describe('REST edge', () => {
  let stack: ProbeStack;
  beforeAll(async () => {
    stack = await startProbeStack({
      REST_EDGE_ROUTES: '/files=probe,/files-hang=probe,/orphan=nosuch',
      REST_EDGE_TIMEOUT_MS: '500',
    });
  });
  afterAll(() => stack.close());
  const edge = (path: string) => new URL(path, stack.gateway.url).toString();

  it('streams an upload body byte for byte, with path, query and headers', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    const response = await fetch(edge('/files/model.bin?version=2'), {
      method: 'PUT',
      body,
      headers: {
        'content-type': 'application/octet-stream',
        authorization: 'Bearer opaque-upload-token',
        'x-request-id': 'upload-req-1',
        'x-client-ip': '6.6.6.6',
      },
    });
    expect(response.status).toBe(201);
    const echoed = (await response.json()) as {
      name: string;
      query: unknown;
      size: number;
      sha256: string;
      headers: Record<string, string>;
    };
    expect(echoed).toMatchObject({
      name: 'model.bin',
      query: { version: '2' },
      size: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    });
    expect(echoed.headers.authorization).toBe('Bearer opaque-upload-token');
    expect(echoed.headers['x-request-id']).toBe('upload-req-1');
    // The client cannot choose its own IP: the gateway sets what it saw.
    expect(echoed.headers['x-client-ip']).toBe('127.0.0.1');
    expect(response.headers.get('x-request-id')).toBe('upload-req-1');
  });

  it('signs the identity it forwards over method and path, replacing any signature a client sends', async () => {
    const response = await fetch(edge('/files/signed.bin?v=1'), {
      method: 'PUT',
      body: 'x',
      headers: { 'x-request-id': 'signed-req-1', 'x-gateway-signature': 't=1,v1=forged' },
    });
    expect(response.status).toBe(201);
    const { headers } = (await response.json()) as { headers: Record<string, string> };
    const identity = { method: 'PUT', path: '/files/signed.bin?v=1', clientIp: '127.0.0.1', requestId: 'signed-req-1' };
    const signer = stack.probe.gatewaySigner;
    expect(signer.verifyIdentity(headers['x-gateway-signature'], identity)).toBe('valid');
    expect(signer.verifyIdentity(headers['x-gateway-signature'], { ...identity, path: '/files/other.bin' })).toBe(
      'mismatch',
    );
  });

  it("streams a large download back with the subgraph's headers", async () => {
    const response = await fetch(edge('/files/artifact.zip?size=5000000'));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-probe-file')).toBe('artifact.zip');
    expect((await response.arrayBuffer()).byteLength).toBe(5_000_000);
  });

  it('answers 404 for a route whose subgraph is not in the supergraph, 502 when the subgraph does not answer in time', async () => {
    expect((await fetch(edge('/orphan/x'))).status).toBe(404);
    const hung = await fetch(edge('/files-hang'));
    expect(hung.status).toBe(502);
    expect(await hung.json()).toEqual({ error: 'upstream service unavailable' });
  });

  it('does not send REST routes through GraphQL body parsing or limits', async () => {
    const response = await fetch(edge('/files/not-json'), {
      method: 'PUT',
      body: '{ this is not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { size: number }).size).toBe(18);
  });
});
