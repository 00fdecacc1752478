import type { HeaderMap, SubgraphRequestPayload } from './protocol';

/** An entity fetch of the gateway tests' probe subgraph, as the router's query planner writes one. */
export const PROBE_ENTITIES_QUERY =
  'query Probes__probe__1($representations:[_Any!]!){_entities(representations:$representations){...on Probe{id level}}}';

/**
 * A `SubgraphRequest` payload shaped as Apollo Router sends it (the example of Apollo's
 * coprocessor reference, "Example requests by stage"): control properties, the headers the
 * router's header rules propagated (each a list of values), the subgraph's GraphQL body, the
 * context, the subgraph's full URI, method and name. Here it fetches probes by key.
 */
export function routerSubgraphRequest(
  uri: string,
  headers: HeaderMap = {},
  representations: { __typename: string; id: string }[] = [
    { __typename: 'Probe', id: '1' },
    { __typename: 'Probe', id: '2' },
  ],
): SubgraphRequestPayload {
  return {
    version: 1,
    stage: 'SubgraphRequest',
    control: 'continue',
    id: '666d677225c1bc6d7c54a52b409dbd4e',
    subgraphRequestId: 'b5964998b2394b64a864ef802fb5a4b3',
    headers,
    body: {
      query: PROBE_ENTITIES_QUERY,
      operationName: 'Probes__probe__1',
      variables: { representations },
    },
    context: {
      entries: {
        'apollo::telemetry::client_version': '',
        'apollo::telemetry::client_name': '',
        'apollo::supergraph::operation_name': 'Probes',
      },
    },
    uri,
    method: 'POST',
    serviceName: 'probe',
  };
}
