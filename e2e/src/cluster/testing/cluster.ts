import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { envReader, startSubgraph } from '@marketplace/kit';
import { TestDatabase, createTestDatabase, freePort, isolatedInfrastructure, until } from '@marketplace/kit/testing';
import { REPO_ROOT, subgraphs, supergraphPath } from '@marketplace/scripts';
import { ReadinessBalancer } from './balancer';
import { ServiceProcess } from './service-process';

/** Replicas of each subgraph. */
export const REPLICAS = 2;
/** Connections per replica: 18 processes (plus their relays' sessions) share one Postgres's 100 with other tests. */
const REPLICA_POOL_SIZE = 2;
/** Not ready from SIGTERM until closing: several of the balancer's probes, so none routes to a replica closing. */
export const DRAIN_MS = 1_000;
const START_TIMEOUT_MS = 90_000;
/** The subgraphs whose demo data the cluster is seeded with (users, vendors and their products). */
const SEEDED = ['users', 'vendor', 'catalog'];

export interface SubgraphReplicas {
  name: string;
  replicas: ServiceProcess[];
  /** Its Service address: what the gateways call. */
  balancer: ReadinessBalancer;
}

export interface Cluster {
  database: TestDatabase;
  /** The run's database, every subgraph's schema in it (`orders.outbox`…). */
  sql: Client;
  subgraphs: Map<string, SubgraphReplicas>;
  /** Gateway A and gateway B, both in front of every subgraph's balancer. */
  gateways: [ServiceProcess, ServiceProcess];
  /** Every process's kept output, to explain a failure. */
  output(): string;
  close(): Promise<void>;
}

/**
 * The supergraph in services mode, scaled out on one machine: two replicas of every subgraph
 * as separate Node processes behind a readiness-following balancer each, two gateways in
 * front, on real Postgres (one fresh database), Redis (a key prefix of its own) and RabbitMQ
 * (exchanges and queues of its own, left to expire), all sharing DATA_DIR's development keys.
 */
export async function startCluster(gatewayEnv: Record<string, string>): Promise<Cluster> {
  // Without them every process would keep its own in-memory broker and store: nothing to prove across processes.
  for (const variable of ['REDIS_URL', 'AMQP_URL'])
    if (!process.env[variable]) throw new Error(`the cluster needs ${variable}: real Redis and RabbitMQ`);
  const database = await createTestDatabase();
  const sql = new Client({ connectionString: database.url });
  await sql.connect();
  const shared: NodeJS.ProcessEnv = {
    ...process.env,
    ...isolatedInfrastructure(database.name),
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: String(REPLICA_POOL_SIZE),
    LOG_LEVEL: 'warn',
    PASSWORD_HASH_COST: '10',
    PAYMENT_SIMULATION_ENABLED: 'true',
    SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
    HOST: '127.0.0.1',
  };
  const scripts = startScripts();
  const port = distinctPorts();
  const groups = new Map<string, SubgraphReplicas>();
  for (const module of subgraphs) {
    const replicas: ServiceProcess[] = [];
    for (let index = 1; index <= REPLICAS; index += 1) {
      const replicaPort = await port();
      const env = { ...shared, [`${module.name.toUpperCase()}_PORT`]: String(replicaPort) };
      const name = `${module.name}-${index}`;
      replicas.push(new ServiceProcess(name, module.name, scripts(module.name), replicaPort, env));
    }
    groups.set(module.name, {
      name: module.name,
      replicas,
      balancer: new ReadinessBalancer(replicas.map((replica) => ({ host: '127.0.0.1', port: replica.port }))),
    });
  }
  const urls = Object.fromEntries([...groups.values()].map((group) => [`${group.name.toUpperCase()}_URL`, '']));
  const gateways: ServiceProcess[] = [];
  const every = () => [...[...groups.values()].flatMap((group) => group.replicas), ...gateways];
  const close = async () => {
    await Promise.all(every().map((service) => service.stop().catch(() => service.kill())));
    await Promise.all([...groups.values()].map((group) => group.balancer.close()));
    await sql.end().catch(() => undefined);
    await database.drop();
  };
  try {
    for (const group of groups.values()) {
      await group.balancer.start(await port());
      urls[`${group.name.toUpperCase()}_URL`] = group.balancer.url;
    }
    for (const name of ['A', 'B']) {
      const gatewayPort = await port();
      const env = {
        ...shared,
        ...urls,
        ...gatewayEnv,
        GATEWAY_PORT: String(gatewayPort),
        SUPERGRAPH_PATH: supergraphPath('development'),
      };
      const script = join('gateway', 'dist', 'main.js');
      gateways.push(new ServiceProcess(`gateway-${name}`, 'gateway', script, gatewayPort, env, '/health'));
    }
    const replicas = [...groups.values()].flatMap((group) => group.replicas);
    replicas.forEach((replica) => replica.start());
    await Promise.all(replicas.map((replica) => replica.untilReady(START_TIMEOUT_MS)));
    gateways.forEach((gateway) => gateway.start());
    await Promise.all(gateways.map((gateway) => gateway.untilReady(START_TIMEOUT_MS)));
    await seed(shared);
    return {
      database,
      sql,
      subgraphs: groups,
      gateways: gateways as [ServiceProcess, ServiceProcess],
      output: () =>
        every()
          .map((service) => service.output())
          .join('\n'),
      close,
    };
  } catch (error) {
    const output = every()
      .map((service) => service.output())
      .join('\n');
    await close();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${output}`, { cause: error });
  }
}

/**
 * `kubectl rollout restart` of one subgraph's Deployment (maxSurge 0, maxUnavailable 1): each
 * replica in turn is stopped (SIGTERM, waited for), started again and waited for until its
 * balancer routes to it. The exit codes of the stops.
 */
export async function rollingRestart({ replicas, balancer }: SubgraphReplicas): Promise<(number | null)[]> {
  const codes: (number | null)[] = [];
  for (const replica of replicas) {
    codes.push(await replica.stop());
    replica.start();
    await replica.untilReady(START_TIMEOUT_MS);
    await until(async () => (balancer.readyPorts().includes(replica.port) ? true : undefined), 'the balancer', 10_000);
  }
  return codes;
}

/** Free ports, none handed out twice (`freePort` only knows what listens now: the processes listen later). */
function distinctPorts(): () => Promise<number> {
  const taken = new Set<number>();
  return async () => {
    for (;;) {
      const port = await freePort();
      if (taken.has(port)) continue;
      taken.add(port);
      return port;
    }
  };
}

/** `npm run start:<name>`'s script for each subgraph (root package.json), so the test starts what operators start. */
function startScripts(): (name: string) => string {
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return (name) => {
    const command = scripts[`start:${name}`];
    const script = /^node (\S+\.js)$/.exec(command ?? '')?.[1];
    if (!script) throw new Error(`package.json has no "start:${name}": node <script>`);
    return script;
  };
}

/**
 * The demo data (`npm start`'s seed) written by an in-process subgraph on the same schema,
 * without a broker (nothing it consumes or publishes itself): its events wait in the outbox
 * for the running replicas' relay, now that every queue is declared.
 */
async function seed(shared: NodeJS.ProcessEnv): Promise<void> {
  const env = envReader({ ...shared, AMQP_URL: '', LOG_LEVEL: 'silent' });
  for (const module of subgraphs.filter((candidate) => SEEDED.includes(candidate.name))) {
    const seeder = await startSubgraph(module, { env, port: 0, seed: true, startRelay: false });
    await seeder.close();
  }
}
