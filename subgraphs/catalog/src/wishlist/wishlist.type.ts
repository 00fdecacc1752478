import { Connection } from '@marketplace/kit';
import { Field, ObjectType } from 'type-graphql';

/** One product on a user's wishlist. */
@ObjectType({ description: "A product on the user's wishlist and when it was added." })
export class WishlistItem {
  @Field({ description: 'When the product was added to the wishlist.' })
  addedAt: Date;

  /** The product's raw uuid: the list's keyset cursor is (addedAt, productId). */
  id: string;
}

export const WishlistItemConnection = Connection(WishlistItem, 'WishlistItem');
