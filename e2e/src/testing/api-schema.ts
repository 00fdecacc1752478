import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import { SUPERGRAPH_PATH } from './query-plan';

/**
 * The schema clients see: the committed production supergraph without its federation
 * machinery (join__ directives, `_entities`, `@inaccessible` elements), as Apollo's
 * composition derives it.
 */
export function productionApiSchema(supergraphPath = SUPERGRAPH_PATH): GraphQLSchema {
  return Supergraph.build(readFileSync(supergraphPath, 'utf8')).apiSchema().toGraphQLJSSchema();
}
