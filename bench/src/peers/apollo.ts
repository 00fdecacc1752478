/**
 * The stock, untuned @apollo/gateway setup of Apollo's documentation: ApolloServer with an
 * ApolloGateway on the supergraph SDL, one RemoteGraphQLDataSource per subgraph that
 * forwards the caller's Authorization header, served by startStandaloneServer. No
 * keep-alive agent, limits, logging or error formatting of ours.
 *
 * One addition the subgraphs require: the body signature Hive Gateway's HMAC upstream
 * signature defines (SUBGRAPH_SIGNING_SECRET), without which they refuse `_entities`.
 *
 * Two settings differ from a copy-paste of the docs, neither on the request path:
 * - usage reporting is switched off explicitly: it is off anyway without APOLLO_KEY, but
 *   an APOLLO_KEY in the inherited environment would make the benchmark call Apollo's cloud;
 * - stopOnTerminationSignals is off: Apollo's own handler re-raises SIGTERM after stopping,
 *   which would race runPeer's shutdown (and exit code).
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GatewaySigner } from '@marketplace/kit/signing';
import { peerSigningSecret, runPeer } from '../gateways';

interface Context {
  authorization?: string;
}

runPeer('apollo', async ({ supergraphPath, port, host }) => {
  const signer = new GatewaySigner(peerSigningSecret());
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(supergraphPath, 'utf8'),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<Context>({
        url,
        willSendRequest({ request, context }) {
          // Only a client's operation carries its context; health checks get an empty one.
          if (typeof context.authorization === 'string' && context.authorization)
            request.http?.headers.set('authorization', context.authorization);
          request.extensions = signer.signBody(request).extensions;
        },
      }),
  });
  const server = new ApolloServer<Context>({
    gateway,
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginUsageReportingDisabled()],
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port, host },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  // startStandaloneServer drains and closes its HTTP server when the server stops.
  return { url, close: () => server.stop() };
});
