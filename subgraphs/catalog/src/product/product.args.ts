import { PageArgs } from '@marketplace/kit';
import { ArgsType, Field, ID } from 'type-graphql';
import { CreateProductInput, ProductFilter, ProductSort, UpdateProductInput } from './product.inputs';

@ArgsType()
export class ProductArgs {
  @Field(() => ID, { nullable: true, description: "The product's id; give either this or `slug`." })
  id?: string | null;

  @Field(() => String, { nullable: true, description: "The product's slug; give either this or `id`." })
  slug?: string | null;
}

@ArgsType()
export class ProductsArgs extends PageArgs {
  @Field(() => ProductFilter, { nullable: true, description: 'Narrows the list.' })
  filter?: ProductFilter | null;

  @Field(() => ProductSort, { defaultValue: ProductSort.RELEVANCE, description: 'Order of the list.' })
  sort: ProductSort = ProductSort.RELEVANCE;
}

@ArgsType()
export class ProductIdArgs {
  @Field(() => ID, { description: "The product's id." })
  id: string;
}

@ArgsType()
export class CreateProductArgs {
  @Field(() => CreateProductInput, { description: 'The new product.' })
  input: CreateProductInput;
}

@ArgsType()
export class UpdateProductArgs {
  @Field(() => ID, { description: 'The product to change.' })
  id: string;

  @Field(() => UpdateProductInput, { description: 'The changes.' })
  input: UpdateProductInput;
}

@ArgsType()
export class RejectProductArgs {
  @Field(() => ID, { description: 'The product under review.' })
  id: string;

  @Field({ description: 'Why, for the vendor: 1 to 1,000 characters.' })
  reason: string;
}
