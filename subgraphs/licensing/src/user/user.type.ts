import type { ReferenceResolvers } from '@marketplace/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The users subgraph owns `User`; licensing points at it (License.owner) and adds `User.licenses`. */
@ObjectType({ description: 'A person with an account on the marketplace.' })
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID, { description: 'Stable identifier (UUID).' })
  id: string;

  static of(id: string): User {
    return Object.assign(new User(), { id });
  }
}

/** A `User` representation needs no lookup here: its key is all `User.licenses` needs. */
export const userReferences: ReferenceResolvers = {
  User: {
    __resolveReference: (reference: { id: string }) => User.of(reference.id),
  },
};
