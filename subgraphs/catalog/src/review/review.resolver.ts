import { PageArgs, PagedList, ReferenceResolvers, RequestContext, ViewerDependent } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Product } from '../product/product.entity';
import type { ProductService } from '../product/product.service';
import { User } from '../entity-stubs';
import { AddReviewInput, DeleteReviewInput, UpdateReviewInput } from './review.inputs';
import { AddReviewPayload, DeleteReviewPayload, UpdateReviewPayload } from './review.payloads';
import type { ReviewService } from './review.service';
import { Review, ReviewConnection } from './review.type';

@Resolver(() => Review)
export class ReviewResolver {
  constructor(
    private readonly reviews: ReviewService,
    private readonly products: ProductService,
  ) {}

  @Authorized()
  @Mutation(() => AddReviewPayload, {
    nullable: true,
    description:
      'Reviews a published product you hold a license for, once (change it with updateReview). Its vendor cannot review it. Errors: UNAUTHENTICATED, FORBIDDEN (LICENSE_REQUIRED, OWN_PRODUCT, REVIEWS_CLOSED), BAD_USER_INPUT, NOT_FOUND, CONFLICT (ALREADY_REVIEWED).',
  })
  addReview(
    @Arg('input', () => AddReviewInput, { description: 'The product to review, the rating and the text.' })
    input: AddReviewInput,
    @Ctx() context: RequestContext,
  ): Promise<AddReviewPayload> {
    return this.reviews.add(context, input);
  }

  @Authorized()
  @Mutation(() => UpdateReviewPayload, {
    nullable: true,
    description:
      'Changes your own review while the product is in the storefront: an omitted field stays as it is, a null or "" `body` removes the text. Errors: UNAUTHENTICATED, FORBIDDEN (REVIEWS_CLOSED), BAD_USER_INPUT, NOT_FOUND.',
  })
  updateReview(
    @Arg('input', () => UpdateReviewInput, { description: 'The review to change and its new rating or text.' })
    input: UpdateReviewInput,
    @Ctx() context: RequestContext,
  ): Promise<UpdateReviewPayload> {
    return this.reviews.update(context, input);
  }

  @Authorized()
  @Mutation(() => DeleteReviewPayload, {
    nullable: true,
    description:
      'Removes a review (its owner or an admin); the payload holds the product with its rating and review count after the removal. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND.',
  })
  deleteReview(
    @Arg('input', () => DeleteReviewInput, { description: 'The review to delete.' }) input: DeleteReviewInput,
    @Ctx() context: RequestContext,
  ): Promise<DeleteReviewPayload> {
    return this.reviews.delete(context, input.reviewId);
  }

  @FieldResolver(() => Product, { description: 'The reviewed product.' })
  async product(@Root() review: Review, @Ctx() context: RequestContext): Promise<Product> {
    return (await this.products.byId(context).load(review.productId))!;
  }

  @FieldResolver(() => User, { description: 'Who wrote it.' })
  owner(@Root() review: Review): User {
    return User.of(review.ownerId);
  }
}

/** `Product.reviews` and the viewer's review fields, contributed next to the product's own fields. */
@Resolver(() => Product)
export class ProductReviewsResolver {
  constructor(private readonly reviewService: ReviewService) {}

  @PagedList()
  @FieldResolver(() => ReviewConnection, { description: 'Verified reviews, newest first.' })
  reviews(@Root() product: Product, @Args() page: PageArgs, @Ctx() context: RequestContext) {
    return this.reviewService.productReviews(context, product.id, page);
  }

  @ViewerDependent()
  @FieldResolver(() => Review, {
    nullable: true,
    description: "The signed-in user's review of this product; null when signed out or not reviewed.",
  })
  viewerReview(@Root() product: Product, @Ctx() context: RequestContext): Promise<Review | null> {
    return this.reviewService.ofViewer(context).load(product.id);
  }

  @ViewerDependent()
  @FieldResolver(() => Boolean, {
    description:
      'Whether the signed-in user may review this product now (addReview would succeed): it is published, they hold a license for it, it is not theirs to sell and they have not reviewed it yet. False when signed out.',
  })
  viewerCanReview(@Root() product: Product, @Ctx() context: RequestContext): Promise<boolean> {
    return this.reviewService.viewerCanReview(context, product);
  }
}

/** `Review` entities: on the request's review loader; null for a review of a product the viewer may not see. */
export const reviewReferences = (reviews: ReviewService): ReferenceResolvers => ({
  Review: {
    __resolveReference: (reference: { id: string }, context) => reviews.reference(context, reference.id),
  },
});
