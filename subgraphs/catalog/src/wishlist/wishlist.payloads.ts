import { Field, ObjectType } from 'type-graphql';
import { User } from '../entity-stubs';
import { Product } from '../product/product.entity';

@ObjectType({ description: 'What addToWishlist changed.' })
export class AddToWishlistPayload {
  @Field(() => Product, { description: 'The product added, with its new `inMyWishlist` and `wishlistCount`.' })
  product: Product;

  @Field(() => User, { description: 'The viewer, whose `wishlist` changed.' })
  user: User;
}

@ObjectType({ description: 'What removeFromWishlist changed.' })
export class RemoveFromWishlistPayload {
  @Field(() => Product, { description: 'The product removed, with its new `inMyWishlist` and `wishlistCount`.' })
  product: Product;

  @Field(() => User, { description: 'The viewer, whose `wishlist` changed.' })
  user: User;
}
