import type { ReferenceResolvers } from '@marketplace/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The orders subgraph owns `Order`; licensing adds `Order.licenses` (descriptions match the owner's). */
@ObjectType({ description: 'An order: the products of a cart at the prices of checkout, paid once and fulfilled with licenses.' })
@Directive('@key(fields: "id")')
export class Order {
  @Field(() => ID, { description: 'Stable identifier (UUID).' })
  id: string;

  static of(id: string): Order {
    return Object.assign(new Order(), { id });
  }
}

/** An `Order` representation needs no lookup: its key is all `Order.licenses` needs, and that field batches. */
export const orderReferences: ReferenceResolvers = {
  Order: {
    __resolveReference: (reference: { id: string }) => Order.of(reference.id),
  },
};
