import { ChildProcess, spawn } from 'node:child_process';
import { REPO_ROOT } from '@marketplace/scripts';

/** Lines of a process's output kept to explain a failure. */
const OUTPUT_LINES_KEPT = 200;
const POLL_MS = 100;

/** Every child still running: killed if the test process exits without stopping them (a crash, a timeout). */
const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));

/**
 * One service as its own Node process (`node <script>`, as `npm run start:<name>` runs it),
 * started, stopped (SIGTERM, as an orchestrator does) or killed (SIGKILL) by the test, and
 * started again on the same port.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exit: Promise<number | null> | undefined;
  private readonly lines: string[] = [];
  /** Milliseconds from SIGTERM to exit, per stop. */
  readonly stopDurations: number[] = [];

  constructor(
    /** `orders-1`, `gateway-A`: how the test and its failures name it. */
    readonly name: string,
    /** What its readiness answer names (`service`): a port answered by another process does not count. */
    private readonly service: string,
    private readonly script: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    /** The path that answers 200 once it may take traffic. */
    private readonly readyPath = '/ready',
  ) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const child = spawn(process.execPath, [this.script], {
      cwd: REPO_ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line) this.lines.push(line);
      this.lines.splice(0, Math.max(0, this.lines.length - OUTPUT_LINES_KEPT));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.child = child;
    children.add(child);
    this.exit = new Promise((resolve) =>
      child.once('exit', (code) => {
        children.delete(child);
        resolve(code);
      }),
    );
  }

  /** Resolves once `readyPath` answers 200; throws with the output if the process exits or the deadline passes. */
  async untilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited before it was ready:\n${this.output()}`);
      if (await answers(`${this.origin}${this.readyPath}`, this.service)) return;
      if (Date.now() > deadline) throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.output()}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** SIGTERM, then waits for the exit: the exit code (0 is a graceful stop). */
  async stop(): Promise<number | null> {
    if (!this.running) return this.exit ?? null;
    const startedAt = Date.now();
    this.child!.kill('SIGTERM');
    const code = await this.exit!;
    this.stopDurations.push(Date.now() - startedAt);
    return code;
  }

  /** SIGKILL: no drain, no goodbye; the kernel closes its connections. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL');
    await this.exit;
  }

  output(): string {
    return this.lines.map((line) => `  [${this.name}] ${line}`).join('\n');
  }
}

async function answers(url: string, service: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    const body = (await response.json()) as { service?: string };
    return response.ok && body.service === service;
  } catch {
    return false;
  }
}
