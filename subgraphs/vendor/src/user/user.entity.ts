import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * The users subgraph owns `User`; this subgraph knows only its key, points at it from
 * `Vendor.user` and contributes `User.vendor`.
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
