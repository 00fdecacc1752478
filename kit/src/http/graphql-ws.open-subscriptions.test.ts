import type { Server } from 'node:http';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import type { Client } from 'graphql-ws';
import { Metrics } from '../metrics';
import { closeServer, createHttpServer, listen, portOf } from './express';
import { serveGraphQLOverWebSocket } from './graphql-ws';
import { until } from '../testing/helpers';
import { RawGraphQLSocket, subscribe, subscriptionClient } from '../testing/subscription-client';

/**
 * `graphql_subscriptions_open` as a service exports it from the kit's graphql-ws server: each
 * subscription followed (not queries over the socket) until the client completes it (even
 * while its resolver still waits), the server's stream ends, or the socket goes away.
 */

/** `ticks(until)` pushes one tick, then waits for the test to end it through `finish(until)`. */
const finishers = new Map<string, () => void>();
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { hello: { type: GraphQLString, resolve: () => 'world' } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      ticks: {
        type: GraphQLString,
        args: { until: { type: GraphQLString } },
        subscribe: async function* (_root, args: { until: string }) {
          const finished = new Promise<void>((resolve) => finishers.set(args.until, resolve));
          yield { ticks: 'tick' };
          await finished;
        },
      },
    },
  }),
});

let server: Server;
let dispose: () => Promise<void>;
let url: string;
let metrics: Metrics;
const clients: Client[] = [];
const raws: RawGraphQLSocket[] = [];

beforeEach(async () => {
  metrics = new Metrics('kit-test');
  server = createHttpServer((_req, res) => res.writeHead(404).end());
  dispose = serveGraphQLOverWebSocket(server, '/graphql', {
    schema,
    formatError: (formatted) => formatted,
    countSubscriptions: metrics.countSubscriptions,
  });
  await listen(server, 0, '127.0.0.1', 'kit-test');
  url = `http://127.0.0.1:${portOf(server)}/graphql`;
});
afterEach(async () => {
  finishers.forEach((finish) => finish());
  finishers.clear();
  await Promise.all(clients.splice(0).map(async (client) => client.dispose()));
  raws.splice(0).forEach((raw) => raw.socket.terminate());
  await dispose();
  await closeServer(server);
});

/** The gauge's value as /metrics serves it. */
const open = async () => {
  const exposition = await metrics.registry.metrics();
  return Number(/^graphql_subscriptions_open\{service="kit-test"\} (\S+)$/m.exec(exposition)?.[1]);
};
const openBecomes = (expected: number) =>
  until(async () => ((await open()) === expected ? true : undefined), `${expected} open subscriptions`, 5_000);
const client = () => {
  const made = subscriptionClient(url);
  clients.push(made);
  return made;
};

it('counts each followed subscription once, not queries, until the client or the server ends it', async () => {
  const socket = client();
  const first = subscribe(socket, 'subscription { ticks(until: "first") }');
  const second = subscribe(socket, 'subscription { ticks(until: "second") }');
  await Promise.all([first.push(1), second.push(1)]);
  expect(await subscribe(socket, '{ hello }').ended).toEqual([]);
  expect(await open()).toBe(2);

  first.unsubscribe();
  await openBecomes(1);

  finishers.get('second')!();
  expect(await second.ended).toEqual([]);
  await openBecomes(0);
  // Nothing is counted down twice.
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await open()).toBe(0);
});

it('counts down the subscriptions of a socket that goes away, and none refused by validation', async () => {
  const raw = new RawGraphQLSocket(url);
  raws.push(raw);
  expect(await raw.init()).toBe('acked');
  raw.send({ id: 'a', type: 'subscribe', payload: { query: 'subscription { ticks(until: "a") }' } });
  raw.send({ id: 'b', type: 'subscribe', payload: { query: 'subscription { ticks(until: "b") }' } });
  raw.send({ id: 'bad', type: 'subscribe', payload: { query: 'subscription { nothing }' } });
  await Promise.all([raw.next('next', 'a'), raw.next('next', 'b'), raw.next('error', 'bad')]);
  expect(await open()).toBe(2);

  raw.socket.terminate();
  await openBecomes(0);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await open()).toBe(0);
});

it('reads 0 once the server is disposed, and nothing of a disposed server after', async () => {
  const subscription = subscribe(client(), 'subscription { ticks(until: "held") }');
  await subscription.push(1);
  expect(await open()).toBe(1);
  await dispose();
  expect(await open()).toBe(0);
});
