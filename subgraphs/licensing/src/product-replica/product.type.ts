import type { ReferenceResolvers } from '@marketplace/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The catalog owns `Product`; a license only points at it by id (descriptions match the catalog's). */
@ObjectType({ description: 'Something vendors sell: an AI agent, a workflow or a tool.' })
@Directive('@key(fields: "id")')
export class Product {
  @Field(() => ID, { description: 'Stable identifier (UUID).' })
  id: string;

  static of(id: string): Product {
    return Object.assign(new Product(), { id });
  }
}

/** Licensing adds no field to `Product`: a representation is its key. */
export const productReferences: ReferenceResolvers = {
  Product: {
    __resolveReference: (reference: { id: string }) => Product.of(reference.id),
  },
};
