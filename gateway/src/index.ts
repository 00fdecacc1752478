export { GRAPHQL_PATH, GatewayOptions, RunningGateway, startGateway } from './gateway';
export { GatewayConfig, readGatewayConfig, subgraphEnvPrefix } from './config';
export { GatewayContext } from './context';
export { OperationLimits, limitRules, maxAliasesRule, maxDepthRule } from './limits';
export { PLAYGROUND_ASSETS, PLAYGROUND_ASSET_PATH } from './playground';
export { SubgraphDataSource } from './remote-data-source';
export { RESPONSE_CACHE_HEADER, ResponseCache, ResponseCacheSettings, responseCachePlugin } from './response-cache';
export { GATEWAY_NODE_FLAGS } from './node-flags';
