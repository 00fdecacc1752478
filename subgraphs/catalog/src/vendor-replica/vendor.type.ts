import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * The vendor subgraph owns `Vendor`; the catalog only knows its id and contributes the
 * vendor's products.
 */
@ObjectType({ description: 'A seller on the marketplace: the storefront profile of one user.' })
@Directive('@key(fields: "id")')
export class Vendor {
  @Field(() => ID, { description: 'Stable identifier (UUID).' })
  id: string;

  static of(id: string): Vendor {
    return Object.assign(new Vendor(), { id });
  }
}
