import {
  CommonConfig,
  RunningSubgraph,
  envReader,
  readCommonConfig,
  redactUrl,
  runUntilSignal,
  startSubgraph,
  subgraphPort,
} from '@marketplace/kit';
import { readGatewayConfig, startGateway } from '@marketplace/gateway';
import { DEMO_PASSWORD, DEMO_USERS } from '@marketplace/users';
import { DEFAULT_EMBEDDED_POSTGRES_PORT, embeddedDatabase } from './embedded-database';
import { supergraphPath, supergraphVariantOf } from './schema';
import { subgraphs } from './subgraphs';

/**
 * `npm start`: the whole supergraph in one process. Embedded Postgres (unless DATABASE_URL
 * is set), every subgraph on its own port with its own schema, then the gateway.
 */
async function start() {
  const startedAt = Date.now();
  const env = envReader(demoEnvironment(process.env));
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
    const gateway = await startGateway({ env: envReader({ ...subgraphUrls, ...supergraph, ...process.env }) });
    stops.push(() => gateway.close());
    printBanner(gateway.url, running, databaseUrl, config, Date.now() - startedAt);
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
) {
  const lines = [
    '',
    `Marketplace supergraph is up (${(elapsedMs / 1000).toFixed(1)} s)`,
    '',
    `  Playground + API   ${playgroundUrl}`,
    `  Health / metrics   ${playgroundUrl.replace(/\/graphql$/, '/health')}  ${playgroundUrl.replace(/\/graphql$/, '/metrics')}`,
    ...running.map((s) => `  ${`${s.name} subgraph`.padEnd(18)} ${s.url}`),
    `  Postgres           ${redactUrl(databaseUrl)}${config.databaseUrl ? '' : ' (embedded)'}`,
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
