import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * `runUntilSignal` in a process of its own: SIGTERM drains for `SHUTDOWN_DRAIN_MS` (not ready,
 * still serving) before closing; SIGINT (Ctrl-C) closes at once; a bad setting stops the start.
 */
const SERVICE = `
  const { runUntilSignal } = require(${JSON.stringify(join(__dirname, 'process.js'))});
  const at = () => String(Date.now());
  runUntilSignal('probe', async () => {
    setInterval(() => undefined, 60_000); // a server would keep the process alive
    // Once runUntilSignal listens for signals (right after this resolves).
    setTimeout(() => process.stdout.write('started ' + at() + '\\n'), 0);
    return {
      drain: () => process.stdout.write('drain ' + at() + '\\n'),
      close: async () => process.stdout.write('close ' + at() + '\\n'),
    };
  });
`;

async function runAndSignal(signal: NodeJS.Signals, env: Record<string, string>) {
  const child = spawn(process.execPath, ['-e', SERVICE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 10_000;
  while (!output.includes('started') && child.exitCode === null && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  if (output.includes('started')) child.kill(signal);
  const code = await exited;
  const time = (step: string) => Number(new RegExp(`^${step} (\\d+)$`, 'm').exec(output)?.[1]);
  return { code, output, drainToCloseMs: time('close') - time('drain') };
}

it('drains for SHUTDOWN_DRAIN_MS on SIGTERM, then closes and exits 0', async () => {
  const stopped = await runAndSignal('SIGTERM', { SHUTDOWN_DRAIN_MS: '300' });
  expect(stopped.code).toBe(0);
  expect(stopped.output).toContain('probe: SIGTERM received, shutting down after a 300 ms drain');
  expect(stopped.drainToCloseMs).toBeGreaterThanOrEqual(290);
});

it('closes at once on SIGINT', async () => {
  const stopped = await runAndSignal('SIGINT', { SHUTDOWN_DRAIN_MS: '5000' });
  expect(stopped.code).toBe(0);
  expect(stopped.drainToCloseMs).toBeLessThan(1_000);
});

it('refuses to start with a malformed SHUTDOWN_DRAIN_MS', async () => {
  const stopped = await runAndSignal('SIGTERM', { SHUTDOWN_DRAIN_MS: 'soon' });
  expect(stopped.code).toBe(1);
  expect(stopped.output).toContain('probe did not start: config: SHUTDOWN_DRAIN_MS must be an integer');
  expect(stopped.output).not.toContain('started');
});
