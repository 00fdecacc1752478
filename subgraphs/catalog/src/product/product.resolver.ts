import { PagedList, RequestContext, Role, ViewerDependent, ApiKeyScope, ApiKeyScoped } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Category } from '../category/category.entity';
import { CategoryService } from '../category/category.service';
import { Vendor } from '../entity-stubs';
import { ProductArgs, ProductBySlugArgs, ProductsArgs } from './product.args';
import { Product, ProductConnection } from './product.entity';
import {
  ApproveProductInput,
  ArchiveProductInput,
  CreateProductInput,
  RejectProductInput,
  SubmitProductForReviewInput,
  UpdateProductInput,
} from './product.inputs';
import {
  ApproveProductPayload,
  ArchiveProductPayload,
  CreateProductPayload,
  RejectProductPayload,
  SubmitProductForReviewPayload,
  UpdateProductPayload,
} from './product.payloads';
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

  @ApiKeyScoped(ApiKeyScope.CATALOG_WRITE)
  @PagedList()
  @Query(() => ProductConnection, {
    description:
      'The storefront: published products of active vendors, filtered, searched and sorted. Errors: BAD_USER_INPUT.',
  })
  products(@Args() { filter, sort, ...page }: ProductsArgs, @Ctx() context: RequestContext) {
    return this.searching.search(context, filter ?? {}, sort, page);
  }

  @ApiKeyScoped(ApiKeyScope.CATALOG_WRITE)
  @Query(() => Product, {
    nullable: true,
    description:
      "One product by id: null when there is none or the caller may not see it (others' unpublished products). Errors: BAD_USER_INPUT.",
  })
  product(@Args() { id }: ProductArgs, @Ctx() context: RequestContext): Promise<Product | null> {
    return this.productService.byIdFor(context, id);
  }

  @ApiKeyScoped(ApiKeyScope.CATALOG_WRITE)
  @Query(() => Product, {
    nullable: true,
    description:
      "One product by slug: null when there is none or the caller may not see it (others' unpublished products). Errors: none.",
  })
  productBySlug(@Args() { slug }: ProductBySlugArgs, @Ctx() context: RequestContext): Promise<Product | null> {
    return this.productService.bySlugFor(context, slug);
  }

  @ApiKeyScoped(ApiKeyScope.CATALOG_WRITE)
  @Authorized()
  @Mutation(() => CreateProductPayload, {
    nullable: true,
    description:
      'Creates a DRAFT product of the signed-in vendor (an approved vendor that is not suspended). Errors: UNAUTHENTICATED, FORBIDDEN (NOT_A_VENDOR, VENDOR_SUSPENDED), BAD_USER_INPUT, CONFLICT (NAME_TAKEN).',
  })
  async createProduct(
    @Arg('input', () => CreateProductInput, {
      description: 'The new product: name, description, kind, price, category and tags.',
    })
    input: CreateProductInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateProductPayload> {
    return { product: await this.productService.create(context, input) };
  }

  @ApiKeyScoped(ApiKeyScope.CATALOG_WRITE)
  @Authorized()
  @Mutation(() => UpdateProductPayload, {
    nullable: true,
    description:
      "Changes a product (its vendor only, not while suspended; ARCHIVED products are final). A published product's change reaches the storefront at once. Errors: UNAUTHENTICATED, FORBIDDEN (VENDOR_SUSPENDED), BAD_USER_INPUT, NOT_FOUND, CONFLICT (NAME_TAKEN, PRODUCT_ARCHIVED).",
  })
  async updateProduct(
    @Arg('input', () => UpdateProductInput, { description: 'The product to change and the fields to change.' })
    input: UpdateProductInput,
    @Ctx() context: RequestContext,
  ): Promise<UpdateProductPayload> {
    return { product: await this.productService.update(context, input) };
  }

  @ApiKeyScoped(ApiKeyScope.CATALOG_WRITE)
  @Authorized()
  @Mutation(() => SubmitProductForReviewPayload, {
    nullable: true,
    description:
      'Sends a DRAFT or REJECTED product to review (its vendor only; the vendor must be active). Errors: UNAUTHENTICATED, FORBIDDEN (VENDOR_SUSPENDED), BAD_USER_INPUT, NOT_FOUND, CONFLICT (INVALID_STATUS, PRODUCT_ARCHIVED).',
  })
  async submitProductForReview(
    @Arg('input', () => SubmitProductForReviewInput, { description: 'The draft to submit.' })
    input: SubmitProductForReviewInput,
    @Ctx() context: RequestContext,
  ): Promise<SubmitProductForReviewPayload> {
    return { product: await this.workflow.submitForReview(context, input.productId) };
  }

  @ApiKeyScoped(ApiKeyScope.CATALOG_WRITE)
  @Authorized()
  @Mutation(() => ArchiveProductPayload, {
    nullable: true,
    description:
      'Withdraws a product for good (its vendor or an admin). Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (PRODUCT_ARCHIVED).',
  })
  async archiveProduct(
    @Arg('input', () => ArchiveProductInput, { description: 'The product to archive.' }) input: ArchiveProductInput,
    @Ctx() context: RequestContext,
  ): Promise<ArchiveProductPayload> {
    return { product: await this.workflow.archive(context, input.productId) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApproveProductPayload, {
    nullable: true,
    description:
      'Publishes a product under review (admin; its vendor must be active). Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (INVALID_STATUS, PRODUCT_ARCHIVED, VENDOR_SUSPENDED).',
  })
  async approveProduct(
    @Arg('input', () => ApproveProductInput, { description: 'The product to publish.' }) input: ApproveProductInput,
    @Ctx() context: RequestContext,
  ): Promise<ApproveProductPayload> {
    return { product: await this.workflow.approve(context, input.productId) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RejectProductPayload, {
    nullable: true,
    description:
      'Sends a product under review back to its vendor with a reason (admin). Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (INVALID_STATUS, PRODUCT_ARCHIVED).',
  })
  async rejectProduct(
    @Arg('input', () => RejectProductInput, { description: 'The product to send back and why.' })
    input: RejectProductInput,
    @Ctx() context: RequestContext,
  ): Promise<RejectProductPayload> {
    return { product: await this.workflow.reject(context, input.productId, input.reason) };
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
