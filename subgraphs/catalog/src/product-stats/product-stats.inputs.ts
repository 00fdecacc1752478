import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'The product page a visitor opened.' })
export class RecordProductViewInput {
  @Field(() => ID, { description: 'The product shown.' })
  productId: string;
}
