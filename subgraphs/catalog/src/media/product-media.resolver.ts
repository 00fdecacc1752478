import { ListSize, RequestContext } from '@marketplace/kit';
import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Product } from '../product/product.entity';
import {
  CreateProductMediaUploadInput,
  DeleteProductMediaInput,
  MoveProductMediaInput,
  UpdateProductMediaInput,
} from './product-media.inputs';
import {
  CreateProductMediaUploadPayload,
  DeleteProductMediaPayload,
  MoveProductMediaPayload,
  UpdateProductMediaPayload,
} from './product-media.payloads';
import { PRODUCT_MEDIA_MAX, ProductMediaService } from './product-media.service';
import { ProductMedia, ProductMediaKind } from './product-media.type';

@Resolver(() => ProductMedia)
export class ProductMediaResolver {
  constructor(private readonly media: ProductMediaService) {}

  @Authorized()
  @Mutation(() => CreateProductMediaUploadPayload, {
    nullable: true,
    description:
      "A signed URL to PUT a new image of your product to (its vendor only, not while suspended, not for an archived product; at most 20 images and one COVER). The image joins the end of the product's gallery once uploaded; it is public when the product is (a product in review is moderated with its images). Errors: UNAUTHENTICATED, FORBIDDEN (VENDOR_SUSPENDED), BAD_USER_INPUT, NOT_FOUND, CONFLICT (PRODUCT_ARCHIVED, MEDIA_FULL, COVER_EXISTS).",
  })
  async createProductMediaUpload(
    @Arg('input', () => CreateProductMediaUploadInput, { description: 'The product and what the image shows.' })
    input: CreateProductMediaUploadInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateProductMediaUploadPayload> {
    return this.media.createUpload(context, input.productId, input.kind);
  }

  @Authorized()
  @Mutation(() => UpdateProductMediaPayload, {
    nullable: true,
    description:
      "Sets an image's alt text (its product's vendor only, not while suspended, not for an archived product). Errors: UNAUTHENTICATED, FORBIDDEN (VENDOR_SUSPENDED), BAD_USER_INPUT, NOT_FOUND, CONFLICT (PRODUCT_ARCHIVED).",
  })
  updateProductMedia(
    @Arg('input', () => UpdateProductMediaInput, { description: 'The image and its new text.' })
    input: UpdateProductMediaInput,
    @Ctx() context: RequestContext,
  ): Promise<UpdateProductMediaPayload> {
    return this.media.setAlt(context, input.productMediaId, input.alt);
  }

  @Authorized()
  @Mutation(() => MoveProductMediaPayload, {
    nullable: true,
    description:
      "Moves an image to another place in its product's gallery (its product's vendor only, not while suspended, not for an archived product). Errors: UNAUTHENTICATED, FORBIDDEN (VENDOR_SUSPENDED), BAD_USER_INPUT, NOT_FOUND, CONFLICT (PRODUCT_ARCHIVED).",
  })
  moveProductMedia(
    @Arg('input', () => MoveProductMediaInput, { description: 'The image and its new place.' })
    input: MoveProductMediaInput,
    @Ctx() context: RequestContext,
  ): Promise<MoveProductMediaPayload> {
    return this.media.move(context, input.productMediaId, input.position);
  }

  @Authorized()
  @Mutation(() => DeleteProductMediaPayload, {
    nullable: true,
    description:
      "Deletes an image of a product, its files with it: by the product's vendor (not while suspended, not for an archived product, whose images stay for its buyers), or by an admin taking it down (any product). Errors: UNAUTHENTICATED, FORBIDDEN (VENDOR_SUSPENDED), BAD_USER_INPUT, NOT_FOUND, CONFLICT (PRODUCT_ARCHIVED).",
  })
  async deleteProductMedia(
    @Arg('input', () => DeleteProductMediaInput, { description: 'The image to delete.' })
    input: DeleteProductMediaInput,
    @Ctx() context: RequestContext,
  ): Promise<DeleteProductMediaPayload> {
    const { media, product } = await this.media.delete(context, input.productMediaId);
    return { deletedProductMediaId: media.id, product };
  }

  @FieldResolver(() => String, {
    description:
      'The original image (PNG, JPEG or WebP as uploaded, metadata stripped), served through the gateway with a year-long immutable cache policy.',
  })
  url(@Root() media: ProductMedia): string {
    return this.media.url(media);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'A WebP version at least `width` pixels wide when one was made (160, 480 and 1200 wide, never wider than the original), else the widest; null only with BAD_USER_INPUT for a width outside 1 to 8192.',
  })
  thumbnail(
    @Root() media: ProductMedia,
    @Arg('width', () => Int, {
      description: 'The width the image is shown at, in pixels (device pixels for sharpness).',
    })
    width: number,
  ): string {
    return this.media.thumbnail(media, width);
  }
}

/** What product media add to `Product`: the gallery and its cover. */
@Resolver(() => Product)
export class ProductMediaFieldsResolver {
  constructor(private readonly gallery: ProductMediaService) {}

  @ListSize(PRODUCT_MEDIA_MAX)
  @FieldResolver(() => [ProductMedia], {
    description: "The product's images in gallery order (cover included), at most 20.",
  })
  media(@Root() product: Product, @Ctx() context: RequestContext): Promise<ProductMedia[]> {
    return this.gallery.ofProduct(context).load(product.id);
  }

  @FieldResolver(() => ProductMedia, {
    nullable: true,
    description: "The product's COVER image; null when it has none.",
  })
  async coverImage(@Root() product: Product, @Ctx() context: RequestContext): Promise<ProductMedia | null> {
    const media = await this.gallery.ofProduct(context).load(product.id);
    return media.find((item) => item.kind === ProductMediaKind.COVER) ?? null;
  }
}
