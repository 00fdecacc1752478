export { DEFAULT_EMBEDDED_POSTGRES_PORT } from './embedded-database';
export { DEFAULT_MAIL_SINK_PORT } from './mail-sink';
export { subgraphs } from './subgraphs';
export type { PrintedSubgraph, SchemaFile } from './schema';
export {
  DEVELOPMENT_SCHEMA_DIR,
  EXPLAINED_HINTS,
  REPO_ROOT,
  SCHEMA_DIR,
  SCHEMA_VARIANTS,
  composeSupergraph,
  printSubgraphs,
  routingUrl,
  schemaFiles,
  supergraphPath,
  supergraphVariantOf,
  unexplainedHints,
} from './schema';
