import { PagedList, RequestContext, Role, ViewerDependent } from '@marketplace/kit';
import { Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Category } from '../category/category.entity';
import { CategoryService } from '../category/category.service';
import { Vendor } from '../entity-stubs';
import {
  CreateProductArgs,
  ProductArgs,
  ProductIdArgs,
  ProductsArgs,
  RejectProductArgs,
  UpdateProductArgs,
} from './product.args';
import { Product, ProductConnection } from './product.entity';
import { ProductSearchService } from './product-search.service';
import { ProductService } from './product.service';
import { ProductWorkflowService } from './product-workflow.service';

@Resolver(() => Product)
export class ProductResolver {
  constructor(
    private readonly productService: ProductService,
    private readonly workflow: ProductWorkflowService,
    private readonly searching: ProductSearchService,
    private readonly categoryService: CategoryService,
  ) {}

  @PagedList()
  @Query(() => ProductConnection, {
    description: 'The storefront: published products of active vendors, filtered, searched and sorted.',
  })
  products(@Args() { filter, sort, ...page }: ProductsArgs, @Ctx() context: RequestContext) {
    return this.searching.search(context, filter ?? {}, sort, page);
  }

  @Query(() => Product, {
    nullable: true,
    description: "One product by id or slug (exactly one of them). Others' unpublished products are NOT_FOUND.",
  })
  product(@Args() { id, slug }: ProductArgs, @Ctx() context: RequestContext): Promise<Product> {
    return this.productService.get(context, { id, slug });
  }

  @Authorized()
  @Mutation(() => Product, {
    description: 'Creates a DRAFT product of the signed-in vendor (an approved vendor that is not suspended).',
  })
  createProduct(@Args() { input }: CreateProductArgs, @Ctx() context: RequestContext): Promise<Product> {
    return this.productService.create(context, input);
  }

  @Authorized()
  @Mutation(() => Product, {
    description:
      "Changes a product (its vendor only, not while suspended; ARCHIVED products are final). A published product's change reaches the storefront at once.",
  })
  updateProduct(@Args() { id, input }: UpdateProductArgs, @Ctx() context: RequestContext): Promise<Product> {
    return this.productService.update(context, id, input);
  }

  @Authorized()
  @Mutation(() => Product, {
    description: 'Sends a DRAFT or REJECTED product to review (its vendor only; the vendor must be active).',
  })
  submitProductForReview(@Args() { id }: ProductIdArgs, @Ctx() context: RequestContext): Promise<Product> {
    return this.workflow.submitForReview(context, id);
  }

  @Authorized()
  @Mutation(() => Product, { description: 'Withdraws a product for good (its vendor or an admin).' })
  archiveProduct(@Args() { id }: ProductIdArgs, @Ctx() context: RequestContext): Promise<Product> {
    return this.workflow.archive(context, id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Product, { description: 'Publishes a product under review (admin; its vendor must be active).' })
  approveProduct(@Args() { id }: ProductIdArgs, @Ctx() context: RequestContext): Promise<Product> {
    return this.workflow.approve(context, id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Product, { description: 'Sends a product under review back to its vendor with a reason (admin).' })
  rejectProduct(@Args() { id, reason }: RejectProductArgs, @Ctx() context: RequestContext): Promise<Product> {
    return this.workflow.reject(context, id, reason);
  }

  @FieldResolver(() => Category, { description: 'Where the product is listed.' })
  category(@Root() product: Product, @Ctx() context: RequestContext): Promise<Category> {
    return this.categoryService.get(context, product.categoryId);
  }

  @FieldResolver(() => Vendor, { description: 'Who sells it.' })
  vendor(@Root() product: Product): Vendor {
    return Vendor.of(product.vendorId);
  }

  @ViewerDependent()
  @FieldResolver(() => String, {
    nullable: true,
    description: 'Why an admin rejected it; visible to its vendor and admins, null for everyone else.',
  })
  rejectionReason(@Root() product: Product, @Ctx() context: RequestContext): string | null {
    return this.productService.canSeePrivateFields(context, product) ? product.rejectionReason : null;
  }
}
