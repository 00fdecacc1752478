import { PageArgs, PagedList, RequestContext } from '@marketplace/kit';
import { Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Product } from '../product/product.entity';
import type { ProductService } from '../product/product.service';
import { User } from '../entity-stubs';
import { AddReviewArgs, ReviewIdArgs, UpdateReviewArgs } from './review.args';
import type { ReviewService } from './review.service';
import { Review, ReviewConnection } from './review.type';

@Resolver(() => Review)
export class ReviewResolver {
  constructor(
    private readonly reviews: ReviewService,
    private readonly products: ProductService,
  ) {}

  @Authorized()
  @Mutation(() => Review, {
    description:
      'Reviews a published product you hold a license for, once (a second review is a CONFLICT; change the first with updateReview). Its vendor cannot review it.',
  })
  addReview(@Args() args: AddReviewArgs, @Ctx() context: RequestContext): Promise<Review> {
    return this.reviews.add(context, args);
  }

  @Authorized()
  @Mutation(() => Review, {
    description: 'Changes your own review while the product is in the storefront; omitted fields stay as they are.',
  })
  updateReview(@Args() { id, rating, body }: UpdateReviewArgs, @Ctx() context: RequestContext): Promise<Review> {
    return this.reviews.update(context, id, { rating, body });
  }

  @Authorized()
  @Mutation(() => Product, {
    description:
      'Removes a review (its author or an admin) and answers the product with its rating and review count after the removal.',
  })
  deleteReview(@Args() { id }: ReviewIdArgs, @Ctx() context: RequestContext): Promise<Product> {
    return this.reviews.delete(context, id);
  }

  @FieldResolver(() => Product, { description: 'The reviewed product.' })
  async product(@Root() review: Review, @Ctx() context: RequestContext): Promise<Product> {
    return (await this.products.byId(context).load(review.productId))!;
  }

  @FieldResolver(() => User, { description: 'Who wrote it.' })
  author(@Root() review: Review): User {
    return User.of(review.authorId);
  }
}

/** `Product.reviews`, contributed next to the product's own fields. */
@Resolver(() => Product)
export class ProductReviewsResolver {
  constructor(private readonly reviewService: ReviewService) {}

  @PagedList()
  @FieldResolver(() => ReviewConnection, { description: 'Verified reviews, newest first.' })
  reviews(@Root() product: Product, @Args() page: PageArgs, @Ctx() context: RequestContext) {
    return this.reviewService.productReviews(context, product.id, page);
  }
}
