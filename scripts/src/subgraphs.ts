import type { SubgraphModule } from '@marketplace/kit';
import { usersSubgraph } from '@marketplace/users';

/** Every subgraph of the supergraph, in start order. Adding a subgraph starts here. */
export const subgraphs: SubgraphModule[] = [usersSubgraph];
