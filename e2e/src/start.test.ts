import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envReader } from '@marketplace/kit';
import { GraphQLTestClient, freePortSettings, until } from '@marketplace/kit/testing';
import { readGatewayConfig } from '@marketplace/gateway';
import { DEFAULT_EMBEDDED_POSTGRES_PORT, DEFAULT_MAIL_SINK_PORT, REPO_ROOT, subgraphs } from '@marketplace/scripts';

/** `npm start` as a newcomer meets it: the real entry point in a child process, embedded Postgres included. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
// A test starts at most twice: these deadlines bound it, not Jest's 30 s (a loaded machine needs more).
jest.setTimeout(2 * (START_TIMEOUT_MS + STOP_TIMEOUT_MS));

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** The variable that sets each port `npm start` listens on (a subgraph's is `<NAME>_PORT`). */
const PORT_VARIABLES = [
  'GATEWAY_PORT',
  ...subgraphs.map((module) => `${module.name.toUpperCase()}_PORT`),
  'EMBEDDED_POSTGRES_PORT',
  'MAIL_SINK_PORT',
];

/** Where `npm start` listens when told nothing: a developer's own run may well hold these. */
const DEFAULT_PORTS = [
  readGatewayConfig(envReader({})).port,
  ...subgraphs.map((module) => module.defaultPort),
  DEFAULT_EMBEDDED_POSTGRES_PORT,
  DEFAULT_MAIL_SINK_PORT,
];

/** A distinct free port for every process `npm start` starts, so that none listens on a default one. */
function freePorts(): Promise<Record<string, string>> {
  return freePortSettings(PORT_VARIABLES);
}

function launch(env: Record<string, string>): Started {
  const { DATABASE_URL: _db, REDIS_URL: _redis, AMQP_URL: _amqp, ...inherited } = process.env;
  const child = spawn(process.execPath, ['scripts/dist/start.js'], {
    cwd: REPO_ROOT,
    env: { ...inherited, NODE_ENV: 'development', LOG_LEVEL: 'warn', PASSWORD_HASH_COST: '10', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function untilUp(started: Started): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!started.output().includes('Marketplace supergraph is up')) {
    if (started.child.exitCode !== null) throw new Error(`start exited early:\n${started.output()}`);
    if (Date.now() > deadline) throw new Error(`start timed out:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(started: Started): Promise<number | null> {
  started.child.kill('SIGINT');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS));
  const result = await Promise.race([started.exited, timeout]);
  if (result === 'timeout') {
    started.child.kill('SIGKILL');
    throw new Error('did not stop within 20 s of SIGINT');
  }
  return result;
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Listens on `port` unless something already does (which takes it just as well). */
function occupyUnlessTaken(port: number): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(undefined) : reject(error),
    );
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('npm start (embedded mode)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'marketplace-start-'));
    // Embedded Postgres runs as `postgres` when we are root and must reach this folder.
    chmodSync(dataDir, 0o755);
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts, serves the playground and API, stops on Ctrl-C, and a second start reuses the data', async () => {
    // Every default port is taken (here, or by whatever already listened there): each process must use the port it is given.
    const blockers = (await Promise.all(DEFAULT_PORTS.map(occupyUnlessTaken))).filter((server) => server !== undefined);
    try {
      await startTwiceOnTheSameData();
    } finally {
      for (const blocker of blockers) blocker.close();
    }
  });

  async function startTwiceOnTheSameData() {
    const ports = await freePorts();
    const env = { ...ports, DATA_DIR: dataDir };
    const first = launch(env);
    await untilUp(first);
    for (const module of subgraphs) {
      const port = ports[`${module.name.toUpperCase()}_PORT`];
      expect(first.output()).toMatch(new RegExp(`${module.name} subgraph +http://[^ ]+:${port}/graphql\n`));
    }
    const gateway = new GraphQLTestClient(`http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`);
    const playground = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(playground.status).toBe(200);
    expect(await playground.text()).toContain('graphiql');
    const email = `returning.${Date.now()}@example.com`;
    const { register } = await gateway.data(`mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`, {
      variables: { i: { email, password: 'persisted passphrase', displayName: 'Returning' } },
    });
    // The README's tour pays with simulatePayment: npm start enables it (an unknown order, not FORBIDDEN).
    expect(
      await gateway.errorCode(
        `mutation { simulatePayment(input: { orderId: "Order:00000000-0000-4000-8000-0000000000ff", outcome: SUCCEEDED }) { payment { status } } }`,
        { token: register.accessToken },
      ),
    ).toBe('NOT_FOUND');
    expect(first.output()).toContain('admin@marketplace.local / admin-password-123');
    // The verification mail went over SMTP to npm start's sink, and the gateway shows it at /dev/mail.
    expect(first.output()).toMatch(
      new RegExp(
        `Mailbox +http://[^ ]+:${ports.GATEWAY_PORT}/dev/mail +\\(SMTP sink smtp://127\\.0\\.0\\.1:${ports.MAIL_SINK_PORT}\\)`,
      ),
    );
    const mailbox = `http://127.0.0.1:${ports.GATEWAY_PORT}/dev/mail`;
    const mail = await until(async () => {
      const { mails } = (await (await fetch(mailbox, { headers: { accept: 'application/json' } })).json()) as {
        mails: { id: string; to: string[]; subject: string }[];
      };
      return mails.find((candidate) => candidate.to.includes(email));
    }, 'the verification mail in the development mailbox');
    expect(mail.subject).toBe('Confirm your email address for Marketplace');
    const preview = await fetch(`${mailbox}/${mail.id}`);
    expect(preview.status).toBe(200);
    expect(await preview.text()).toContain('/verify-email?token=');
    expect(await stop(first)).toBe(0);

    const second = launch(env);
    await untilUp(second);
    const { login } = await gateway.data(
      `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken refreshToken user { email } } }`,
      {
        variables: { e: email, p: 'persisted passphrase' },
      },
    );
    expect(login.user.email).toBe(email);
    // One process, no Redis: the gateway reads the session versions the users subgraph writes in memory.
    expect((await gateway.data(`{ me { email } }`, { token: login.accessToken })).me.email).toBe(email);
    await gateway.data(`mutation($t: String!) { logout(input: { refreshToken: $t }) { sessionEnded } }`, {
      variables: { t: login.refreshToken },
    });
    await until(
      async () =>
        (await gateway.request(`{ me { email } }`, { token: login.accessToken })).status === 401 ? true : undefined,
      'the logged-out token to be refused',
      5_000,
    );
    const admin = await gateway.data(
      `mutation { login(input: { email: "admin@marketplace.local", password: "admin-password-123" }) { user { role } } }`,
    );
    expect(admin.login.user.role).toBe('ADMIN');
    expect(await stop(second)).toBe(0);
  }

  it('stops with one line naming a malformed setting, before starting anything', async () => {
    const started = launch({ ...(await freePorts()), DATA_DIR: dataDir, GATEWAY_PORT: 'abc' });
    expect(await started.exited).toBe(1);
    expect(started.output().trim()).toBe(
      'marketplace did not start: config: GATEWAY_PORT must be an integer between 0 and 65535 (got "abc")',
    );
  });

  it('stops with one line when a subgraph port is taken, and leaves no Postgres behind', async () => {
    const ports = await freePorts();
    const blocker = await occupy(Number(ports.USERS_PORT));
    try {
      const started = launch({ ...ports, DATA_DIR: dataDir });
      expect(await started.exited).toBe(1);
      expect(started.output().trim().split('\n').at(-1)).toBe(
        `marketplace did not start: users: port ${ports.USERS_PORT} on 127.0.0.1 is already in use`,
      );
      // The embedded Postgres it had started is stopped again: its port is free.
      const probe = await occupy(Number(ports.EMBEDDED_POSTGRES_PORT));
      probe.close();
    } finally {
      blocker.close();
    }
  });

  it('stops with one line when the mail sink port is taken, before starting Postgres', async () => {
    const ports = await freePorts();
    const blocker = await occupy(Number(ports.MAIL_SINK_PORT));
    try {
      const started = launch({ ...ports, DATA_DIR: dataDir });
      expect(await started.exited).toBe(1);
      expect(started.output().trim().split('\n').at(-1)).toBe(
        `marketplace did not start: mail sink: port ${ports.MAIL_SINK_PORT} on 127.0.0.1 is already in use (set MAIL_SINK_PORT, or SMTP_URL to use another server)`,
      );
    } finally {
      blocker.close();
    }
  });

  it('stops with one line when Postgres cannot start', async () => {
    const ports = await freePorts();
    const blocker = await occupy(Number(ports.EMBEDDED_POSTGRES_PORT));
    try {
      const started = launch({ ...ports, DATA_DIR: dataDir });
      expect(await started.exited).toBe(1);
      expect(started.output().trim()).toBe(
        `marketplace did not start: port ${ports.EMBEDDED_POSTGRES_PORT} is already in use (embedded Postgres)`,
      );
    } finally {
      blocker.close();
    }
  });
});
