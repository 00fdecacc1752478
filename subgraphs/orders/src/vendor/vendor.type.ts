import type { ReferenceResolvers } from '@marketplace/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The vendor subgraph owns `Vendor`; an order line only points at it by id (descriptions match the vendor subgraph's). */
@ObjectType({ description: 'A seller on the marketplace: the storefront profile of one user.' })
@Directive('@key(fields: "id")')
export class Vendor {
  @Field(() => ID, { description: 'Stable identifier (UUID).' })
  id: string;

  static of(id: string): Vendor {
    return Object.assign(new Vendor(), { id });
  }
}

/** Orders adds no field to `Vendor`: a representation is its key. */
export const vendorReferences: ReferenceResolvers = {
  Vendor: {
    __resolveReference: (reference: { id: string }) => Vendor.of(reference.id),
  },
};
