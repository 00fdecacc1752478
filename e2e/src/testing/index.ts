/**
 * The whole supergraph in one process, and what measures it (query plans, SQL statements
 * per request, the frontends' operations): shared by these tests and by the benchmarks.
 */
export * from './benchmark-operations';
export * from './operator-operations';
export * from './query-plan';
export * from './statements';
export * from './supergraph';
export * from './api-schema';
export * from './platform-stats-operations';
export * from './otlp-receiver';
