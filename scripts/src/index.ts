export { DEFAULT_EMBEDDED_POSTGRES_PORT } from './embedded-database';
export { subgraphs } from './subgraphs';
export type { PrintedSubgraph } from './schema';
export {
  EXPLAINED_HINTS,
  REPO_ROOT,
  SCHEMA_DIR,
  composeSupergraph,
  printSubgraphs,
  routingUrl,
  unexplainedHints,
} from './schema';
