import '@marketplace/kit/tracing';
import {
  CommonConfig,
  MailSink,
  RunningSubgraph,
  envReader,
  readCommonConfig,
  redactUrl,
  runUntilSignal,
  startMailSink,
  startSubgraph,
  subgraphPort,
} from '@marketplace/kit';
import { readGatewayConfig, startGateway } from '@marketplace/gateway';
import { DEMO_PASSWORD, DEMO_USERS } from '@marketplace/users';
import { DEFAULT_EMBEDDED_POSTGRES_PORT, embeddedDatabase } from './embedded-database';
import { DEFAULT_MAIL_SINK_PORT } from './mail-sink';
import { supergraphPath, supergraphVariantOf } from './schema';
import { subgraphs } from './subgraphs';

/**
 * `npm start`: the whole supergraph in one process. Embedded Postgres (unless DATABASE_URL
 * is set), a local SMTP sink (unless SMTP_URL is set, and never in production) whose mail
 * the gateway shows at /dev/mail, every subgraph on its own port with its own schema, then
 * the gateway.
 */
async function start() {
  const startedAt = Date.now();
  const demo = demoEnvironment(process.env);
  const production = readCommonConfig(envReader(demo)).environment === 'production';
  const sinkPort = envReader(demo).port('MAIL_SINK_PORT', DEFAULT_MAIL_SINK_PORT);
  const runsSink = !production && envReader(demo).optionalString('SMTP_URL') === undefined;
  const withSink = (port: number) => (runsSink ? { ...demo, SMTP_URL: `smtp://127.0.0.1:${port}` } : demo);
  // Checked with the port asked for; MAIL_SINK_PORT=0 learns its port once the sink listens.
  let env = envReader(withSink(sinkPort));
  const config = readCommonConfig(env);
  // Every setting is checked before anything starts: a typo costs no Postgres start-up.
  readGatewayConfig(env);
  for (const module of subgraphs) {
    module.readSettings?.(env);
    subgraphPort(module, env);
  }
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    let sink: MailSink | undefined;
    if (runsSink) {
      const started = await startMailSink({ port: sinkPort, host: '127.0.0.1' });
      stops.push(() => started.close());
      env = envReader(withSink(started.port));
      sink = started;
    }
    const databaseUrl =
      config.databaseUrl ??
      (await embeddedDatabase(config, env.port('EMBEDDED_POSTGRES_PORT', DEFAULT_EMBEDDED_POSTGRES_PORT), stops));
    const running: RunningSubgraph[] = [];
    for (const module of subgraphs) {
      const subgraph = await startSubgraph(module, { env, databaseUrl, seed: true, startRelay: false });
      stops.push(() => subgraph.close());
      running.push(subgraph);
    }
    // Every queue is declared now: events (new, or left unsent by the last run) can flow.
    for (const subgraph of running) subgraph.events.relay.start();
    const subgraphUrls = Object.fromEntries(running.map((s) => [`${s.name.toUpperCase()}_URL`, s.url]));
    // The supergraph of the variant the subgraphs serve (development: with simulatePayment), unless SUPERGRAPH_PATH says.
    const supergraph = { SUPERGRAPH_PATH: supergraphPath(supergraphVariantOf(subgraphs, env)) };
    const gateway = await startGateway({
      env: envReader({ ...subgraphUrls, ...supergraph, ...process.env }),
      mailbox: sink,
    });
    stops.push(() => gateway.close());
    printBanner(gateway.url, running, databaseUrl, config, Date.now() - startedAt, sink);
    return { close: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * The embedded demo pays with `simulatePayment` (the README's tour), which is off unless
 * enabled: `npm start` enables it outside production, unless PAYMENT_SIMULATION_ENABLED or a
 * Stripe key says otherwise. The subgraphs then serve the development schema variant, and the
 * gateway schema/development/supergraph.graphql.
 */
function demoEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const production = readCommonConfig(envReader(env)).environment === 'production';
  if (production || env.STRIPE_SECRET_KEY || env.PAYMENT_SIMULATION_ENABLED !== undefined) return env;
  return { ...env, PAYMENT_SIMULATION_ENABLED: 'true' };
}

function printBanner(
  playgroundUrl: string,
  running: RunningSubgraph[],
  databaseUrl: string,
  config: CommonConfig,
  elapsedMs: number,
  sink: MailSink | undefined,
) {
  const lines = [
    '',
    `Marketplace supergraph is up (${(elapsedMs / 1000).toFixed(1)} s)`,
    '',
    `  Playground + API   ${playgroundUrl}`,
    `  Health / metrics   ${playgroundUrl.replace(/\/graphql$/, '/health')}  ${playgroundUrl.replace(/\/graphql$/, '/metrics')}`,
    ...running.map((s) => `  ${`${s.name} subgraph`.padEnd(18)} ${s.url}`),
    `  Postgres           ${redactUrl(databaseUrl)}${config.databaseUrl ? '' : ' (embedded)'}`,
    sink
      ? `  Mailbox            ${playgroundUrl.replace(/\/graphql$/, '/dev/mail')}  (SMTP sink ${sink.url})`
      : `  Mail               ${process.env.SMTP_URL ? `SMTP ${redactUrl(process.env.SMTP_URL)}` : 'SMTP_URL not set'}`,
    '',
    '  Demo logins',
    `    admin     ${config.environment === 'production' ? '(see SEED_ADMIN_EMAIL)' : `${process.env.SEED_ADMIN_EMAIL ?? 'admin@marketplace.local'} / ${process.env.SEED_ADMIN_PASSWORD ?? 'admin-password-123'}`}`,
    ...DEMO_USERS.map((user) => `    ${user.role.toLowerCase().padEnd(9)} ${user.email} / ${DEMO_PASSWORD}`),
    '',
    '  Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

void runUntilSignal('marketplace', start);
