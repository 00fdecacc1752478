import type { ReferenceResolvers } from '@marketplace/kit';
import type { UserService } from './user.service';

/** `User` entities other subgraphs point at, loaded in one batch per request tick. */
export const userReferences = (users: UserService): ReferenceResolvers => ({
  User: {
    __resolveReference: (reference: { id: string }, context) => users.byId(context).load(reference.id),
  },
});
