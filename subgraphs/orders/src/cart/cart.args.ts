import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class CartProductArgs {
  @Field(() => ID, { description: 'Id (UUID) of the product.' })
  productId: string;
}
