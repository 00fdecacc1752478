import { ArgsType, Field } from 'type-graphql';

@ArgsType()
export class CategoryArgs {
  @Field({ description: "The category's slug, e.g. `customer-support`." })
  slug: string;
}
