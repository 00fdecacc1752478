import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'A new review of a product you hold a license for.' })
export class AddReviewInput {
  @Field(() => ID, { description: 'The product to review: published, and licensed to the signed-in customer.' })
  productId: string;

  @Field(() => Int, { description: 'Stars, 1 to 5.' })
  rating: number;

  @Field(() => String, {
    nullable: true,
    description: 'What you think of it, up to 4,000 characters; omitted, null or "" to only rate.',
  })
  body?: string | null;
}

@InputType({
  description: 'Changes to your review: an omitted field stays as it is; a null `body` removes the text.',
})
export class UpdateReviewInput {
  @Field(() => ID, { description: 'The review to change (your own).' })
  reviewId: string;

  @Field(() => Int, { nullable: true, description: 'New stars, 1 to 5; omitted or null keeps them.' })
  rating?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'New text, up to 4,000 characters; omitted keeps it, null or "" removes it.',
  })
  body?: string | null;
}

@InputType({ description: 'Which review to remove.' })
export class DeleteReviewInput {
  @Field(() => ID, { description: 'The review (your own; admins: any).' })
  reviewId: string;
}
