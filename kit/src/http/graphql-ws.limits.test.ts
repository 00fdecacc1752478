import type { Server } from 'node:http';
import { GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import type { Client } from 'graphql-ws';
import { createLogger } from '../logger';
import { closeServer, createHttpServer, listen, portOf } from './express';
import { DEFAULT_WEBSOCKET_MAX_MESSAGE_BYTES, WebSocketLimits, serveGraphQLOverWebSocket } from './graphql-ws';
import { LogCapture } from '../testing/log-capture';
import { RawGraphQLSocket, subscribe, subscriptionClient } from '../testing/subscription-client';

/**
 * The kit's graphql-ws server as every subgraph serves it (schema only, no onSubscribe):
 * message size and operations in flight per socket, on a schema whose `held` query runs until
 * the test lets it finish.
 */

const MESSAGE_TOO_BIG = 1009;

/** One `held(key)` execution: started once its resolver runs, finished once the test releases it. */
class Hold {
  started!: () => void;
  readonly running = new Promise<void>((resolve) => (this.started = resolve));
  release!: () => void;
  readonly released = new Promise<void>((resolve) => (this.release = resolve));
}
const holds = new Map<string, Hold>();
function hold(key: string): Hold {
  const held = new Hold();
  holds.set(key, held);
  return held;
}

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      hello: { type: GraphQLString, resolve: () => 'world' },
      held: {
        type: GraphQLString,
        args: { key: { type: new GraphQLNonNull(GraphQLString) } },
        resolve: async (_root, { key }: { key: string }) => {
          const held = holds.get(key)!;
          held.started();
          await held.released;
          return key;
        },
      },
    },
  }),
});

interface Served {
  url: string;
  logs: LogCapture;
  client(): Client;
  raw(): RawGraphQLSocket;
  close(): Promise<void>;
}

async function serve(limits?: Partial<WebSocketLimits>): Promise<Served> {
  const server: Server = createHttpServer((_req, res) => res.writeHead(404).end());
  const logs = new LogCapture();
  const dispose = serveGraphQLOverWebSocket(server, '/graphql', {
    schema,
    formatError: (formatted) => formatted,
    limits,
    log: createLogger({ name: 'kit-test', destination: logs }),
  });
  await listen(server, 0, '127.0.0.1', 'kit-test');
  const url = `http://127.0.0.1:${portOf(server)}/graphql`;
  const clients: Client[] = [];
  const raws: RawGraphQLSocket[] = [];
  return {
    url,
    logs,
    client: () => {
      const client = subscriptionClient(url);
      clients.push(client);
      return client;
    },
    raw: () => {
      const raw = new RawGraphQLSocket(url);
      raws.push(raw);
      return raw;
    },
    close: async () => {
      await Promise.all(clients.map(async (client) => client.dispose()));
      raws.forEach((raw) => raw.socket.terminate());
      await dispose();
      await closeServer(server);
    },
  };
}

let served: Served | undefined;
afterEach(async () => {
  holds.forEach((held) => held.release());
  holds.clear();
  await served?.close();
  served = undefined;
});

describe('operations in flight per socket', () => {
  it('refuses one past the cap with RATE_LIMITED and counts a cancelled one until its execution really ends', async () => {
    served = await serve({ maxOperationsInFlight: 2 });
    const client = served.client();
    const [a, b] = [hold('a'), hold('b')];
    const heldA = subscribe(client, '{ held(key: "a") }');
    const heldB = subscribe(client, '{ held(key: "b") }');
    await Promise.all([a.running, b.running]);

    expect((await subscribe(client, '{ hello }').ended)[0]).toEqual({
      message: 'Too many operations in flight on this socket (at most 2)',
      extensions: { code: 'RATE_LIMITED', maxOperationsInFlight: 2 },
    });

    // The client gives up on `a`: graphql-ws forgets it, but its resolver is still running.
    heldA.unsubscribe();
    expect((await subscribe(client, '{ hello }').ended)[0].extensions?.code).toBe('RATE_LIMITED');

    // `b` finishes: its place is free by the time the client hears of it.
    b.release();
    expect(await heldB.ended).toEqual([]);
    const next = subscribe(client, '{ hello }');
    expect(await next.ended).toEqual([]);
    expect(next.pushes).toEqual([{ data: { hello: 'world' } }]);
  });

  it('gives back the place of an operation refused before it ran (syntax, validation, unknown operation)', async () => {
    served = await serve({ maxOperationsInFlight: 1 });
    const client = served.client();
    const refusals = [
      ['{ hello', 'GRAPHQL_PARSE_FAILED'],
      ['{ nope }', 'GRAPHQL_VALIDATION_FAILED'],
    ];
    for (const [query, code] of refusals) {
      expect((await subscribe(client, query).ended)[0].extensions?.code).toBe(code);
    }
    const raw = served.raw();
    expect(await raw.init()).toBe('acked');
    raw.send({ id: 'named', type: 'subscribe', payload: { query: 'query A { hello }', operationName: 'B' } });
    expect(await raw.next('error', 'named')).toMatchObject({ payload: [{ message: 'Unable to identify operation' }] });
    raw.send({ id: 'after', type: 'subscribe', payload: { query: '{ hello }' } });
    expect(await raw.next('next', 'after')).toMatchObject({ payload: { data: { hello: 'world' } } });
    expect(await subscribe(client, '{ hello }').ended).toEqual([]);
  });
});

describe('message size', () => {
  function subscribeMessage(id: string, bytes: number): string {
    const empty = JSON.stringify({ id, type: 'subscribe', payload: { query: '{ hello }', variables: { pad: '' } } });
    const pad = 'x'.repeat(bytes - empty.length);
    return JSON.stringify({ id, type: 'subscribe', payload: { query: '{ hello }', variables: { pad } } });
  }

  it('caps messages at 1 MiB by default: 1 MiB + 1 byte closes the socket with 1009, one line logged, no stack', async () => {
    served = await serve();
    const consoleError = jest.spyOn(console, 'error');
    try {
      const exact = served.raw();
      expect(await exact.init()).toBe('acked');
      exact.send(subscribeMessage('exact', DEFAULT_WEBSOCKET_MAX_MESSAGE_BYTES));
      expect(await exact.next('next', 'exact')).toMatchObject({ payload: { data: { hello: 'world' } } });

      const over = served.raw();
      expect(await over.init()).toBe('acked');
      over.send(subscribeMessage('over', DEFAULT_WEBSOCKET_MAX_MESSAGE_BYTES + 1));
      expect((await over.closed).code).toBe(MESSAGE_TOO_BIG);

      expect(await subscribe(served.client(), '{ hello }').ended).toEqual([]);
      expect(consoleError).not.toHaveBeenCalled();
      expect(served.logs.records().filter((record) => record.msg === 'websocket closed: protocol error')).toEqual([
        expect.objectContaining({ level: 'info', reason: 'Max payload size exceeded' }),
      ]);
      expect(served.logs.text()).not.toMatch(/\n\s+at /);
    } finally {
      consoleError.mockRestore();
    }
  });

  it('honours a configured cap', async () => {
    served = await serve({ maxMessageBytes: 4_096 });
    const socket = served.raw();
    expect(await socket.init()).toBe('acked');
    socket.send(subscribeMessage('fits', 4_096));
    expect(await socket.next('next', 'fits')).toMatchObject({ payload: { data: { hello: 'world' } } });
    socket.send(subscribeMessage('over', 4_097));
    expect((await socket.closed).code).toBe(MESSAGE_TOO_BIG);
  });
});
