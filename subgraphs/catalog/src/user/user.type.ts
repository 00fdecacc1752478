import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * The users subgraph owns `User`; the catalog knows only its key (review authors). The
 * descriptions match the owner's, so composition has nothing to reconcile.
 */
@ObjectType({ description: 'A person with an account on the marketplace.' })
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID, { description: 'Stable identifier (UUID).' })
  id: string;

  static ref(id: string): User {
    return Object.assign(new User(), { id });
  }
}

/** A `User` representation needs no lookup here: its key is all the catalog has. */
export const userReferences = {
  User: {
    __resolveReference: (reference: { id: string }) => User.ref(reference.id),
  },
};
