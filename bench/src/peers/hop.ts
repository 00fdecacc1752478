/**
 * The floor under every gateway: a pass-through proxy that forwards `POST /<subgraph>` to
 * that subgraph and hands its answer back byte for byte, with no GraphQL work at all. The
 * benchmark sends it the direct calls, so its p50 over the direct p50 is what one more
 * process on the path costs on this machine (two loopback sends, two wake-ups, Node's HTTP
 * server and client), a cost no gateway can undercut.
 */
import { Agent, IncomingMessage, createServer, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { runPeer } from '../gateways';

/** What a subgraph call carries; the rest (host, connection, length) belongs to each hop. */
const FORWARDED_HEADERS = ['content-type', 'authorization', 'x-request-id'] as const;

runPeer('hop', async ({ subgraphUrls, port, host }) => {
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const target = req.method === 'POST' ? subgraphUrls[(req.url ?? '').slice(1)] : undefined;
    const fail = (status: number, message: string) =>
      res.headersSent ? res.destroy() : res.writeHead(status, { 'content-type': 'text/plain' }).end(message);
    void bodyOf(req).then(
      (body) => {
        if (!target) return fail(404, `POST /<subgraph>, one of: ${Object.keys(subgraphUrls).join(', ')}`);
        const headers: Record<string, string | number> = { 'content-length': body.length };
        for (const name of FORWARDED_HEADERS)
          if (typeof req.headers[name] === 'string') headers[name] = req.headers[name];
        const upstream = request(target, { method: 'POST', agent, headers }, (answer) => {
          void bodyOf(answer).then((answerBody) =>
            res
              .writeHead(answer.statusCode ?? 502, {
                'content-type': answer.headers['content-type'] ?? 'application/json',
                'content-length': answerBody.length,
              })
              .end(answerBody),
          );
        });
        upstream.on('error', (error) => fail(502, error.message));
        upstream.end(body);
      },
      (error: Error) => fail(400, error.message),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
});

function bodyOf(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.once('end', () => resolve(Buffer.concat(chunks)));
    message.once('error', reject);
  });
}
