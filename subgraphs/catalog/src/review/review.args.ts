import { ArgsType, Field, ID, Int } from 'type-graphql';

@ArgsType()
export class AddReviewArgs {
  @Field(() => ID, { description: 'The product to review: published, and licensed to the signed-in customer.' })
  productId: string;

  @Field(() => Int, { description: 'Stars, 1 to 5.' })
  rating: number;

  @Field(() => String, {
    nullable: true,
    description: 'What you think of it, up to 4,000 characters; omit to only rate.',
  })
  body?: string | null;
}

@ArgsType()
export class UpdateReviewArgs {
  @Field(() => ID, { description: 'The review to change (your own).' })
  id: string;

  @Field(() => Int, { nullable: true, description: 'New stars, 1 to 5; omitted or null keeps them.' })
  rating?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'New text, up to 4,000 characters; omitted or null keeps it, "" removes it.',
  })
  body?: string | null;
}

@ArgsType()
export class ReviewIdArgs {
  @Field(() => ID, { description: 'The review.' })
  id: string;
}
