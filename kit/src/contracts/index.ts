/**
 * What the subgraphs agree on: the events they exchange and their payloads, the roles in an
 * access token, money, the shared entities' descriptions and the demo data's ids. Plumbing
 * (servers, the event backbone, databases) is the rest of the kit.
 */
export * from './event-catalog';
export * from './roles';
export * from './api-key-scopes';
export * from './money';
export * from './entities';
export * from './demo-ids';
export * from './license-policy';
export * from './error-reasons';
export * from './audit-actions';
export * from './disputes';
export * from './platform-stats';
export { PRICE_DROP_USERS_PER_EVENT } from './storefront-events';
