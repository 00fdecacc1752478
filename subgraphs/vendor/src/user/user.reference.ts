import type { ReferenceResolvers } from '@marketplace/kit';
import { User } from './user.entity';

/**
 * A `User` representation needs no lookup here (the users subgraph owns users): its key is
 * all `User.vendor` needs, and that field batches its own loads.
 */
export const userReferences: ReferenceResolvers = {
  User: {
    __resolveReference: (reference: { id: string }) => User.ref(reference.id),
  },
};
