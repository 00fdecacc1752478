import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { freePort } from './global-setup';

describe('freePort', () => {
  it('hands out ports below the kernel’s ephemeral range that a server can then listen on', async () => {
    const [ephemeralFrom] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    for (let i = 0; i < 20; i += 1) {
      const port = await freePort();
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(ephemeralFrom);
      const server = createServer();
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
      // While this one listens, the next port handed out is another.
      expect(await freePort()).not.toBe(port);
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
