/**
 * Issue 18 item 7 over the subgraph's own graphql-ws endpoint (orders serves one for Apollo
 * Router's passthrough): operations on a socket carry no body signature, so `_entities` and
 * `_service` stay closed there as over unsigned HTTP.
 */
import { TestSubgraph, subscribe, subscriptionClient } from '@marketplace/kit/testing';
import type { Client } from 'graphql-ws';
import { startOrders } from '../testing';

let orders: TestSubgraph;
let client: Client;
beforeAll(async () => {
  orders = await startOrders();
  client = subscriptionClient(orders.subgraph.url);
});
afterAll(async () => {
  await client.dispose();
  await orders.close();
});

describe('over the subgraph’s WebSocket', () => {
  it.each([
    ['_service', '{ _service { sdl } }'],
    [
      '_entities',
      `{ _entities(representations: [{ __typename: "Order", id: "Order:00000000-0000-4000-8000-000000000000" }]) { __typename } }`,
    ],
  ])('%s is FORBIDDEN', async (_field, query) => {
    const answer = await subscribe(client, query).push(1);
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});
