export { GRAPHQL_PATH, GatewayOptions, RunningGateway, startGateway } from './gateway';
export { GatewayConfig, readGatewayConfig, subgraphEnvPrefix } from './config';
export { GatewayContext } from './edge/request-context';
export { OperationLimits, limitRules } from './edge/limits';
export { PLAYGROUND_ASSETS, PLAYGROUND_ASSET_PATH } from './edge/playground';
export { SubgraphDataSource } from './subgraph-io/subgraph-data-source';
export {
  RESPONSE_CACHE_HEADER,
  ResponseCache,
  ResponseCacheSettings,
  responseCachePlugin,
} from './caching/response-cache';
export { GATEWAY_NODE_FLAGS } from './node-flags';
export { NODE_EXISTENCE_PROBES, withNodeExistence } from './apollo/node-existence';
export { DEV_MAIL_PATH } from './edge/dev-mailbox';
export { DEFAULT_ROUTER_COPROCESSOR_PORT } from './router-coprocessor/settings';
export { RunningRouterCoprocessor, startRouterCoprocessor } from './router-coprocessor/server';
