import '@marketplace/kit/tracing';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, flushTracing } from '@marketplace/kit';

/**
 * A program as every service starts (tracing registered first, then the kit), answering one
 * request that carries the traceparent given as argument: the tracing cluster tests run it
 * in a child process to see what the OTEL_* variables of its environment export.
 */
async function main(traceparent: string): Promise<void> {
  const log = createLogger({ name: 'probe' });
  const server = createServer((_request, response) => {
    log.info('probe request handled');
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) =>
    get(`http://127.0.0.1:${port}/probe`, { headers: { traceparent } }, (response) => {
      response.resume();
      response.on('end', resolve);
    }).on('error', reject),
  );
  server.close();
  await flushTracing();
}

void main(process.argv[2] ?? '');
