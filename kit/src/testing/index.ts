export * from './database';
export * from './graphql-client';
export * from './log-capture';
export * from './subgraph';
export { freePort } from './global-setup';
export * from './tcp-proxy';
export * from '../events/testing';
export * from './helpers';
export * from './subscription-client';
