import { RequestContext, badInput } from '@marketplace/kit';
import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Vendor } from '../vendor-account/vendor.entity';
import { VendorImage, VendorImageKind } from './vendor-image.entity';
import { CreateVendorImageUploadInput, RemoveVendorImageInput } from './vendor-image.inputs';
import { CreateVendorImageUploadPayload, RemoveVendorImagePayload } from './vendor-image.payloads';
import { THUMBNAIL_MAX_WIDTH, VendorImageService } from './vendor-image.service';

@Resolver(() => VendorImage)
export class VendorImageResolver {
  constructor(private readonly images: VendorImageService) {}

  @FieldResolver(() => String, { description: 'The original image (metadata stripped), served immutable.' })
  url(@Root() image: VendorImage): string {
    return this.images.url(image);
  }

  @FieldResolver(() => String, {
    description:
      'A WebP thumbnail at least `width` pixels wide when the original is (160, 480 or 1200 wide; never upscaled), served immutable.',
  })
  thumbnail(
    @Root() image: VendorImage,
    @Arg('width', () => Int, { description: `The width it will be shown at, in pixels: 1 to ${THUMBNAIL_MAX_WIDTH}.` })
    width: number,
  ): string {
    if (width < 1 || width > THUMBNAIL_MAX_WIDTH)
      throw badInput([{ field: 'width', message: `must be 1 to ${THUMBNAIL_MAX_WIDTH}` }]);
    return this.images.thumbnailUrl(image, width);
  }
}

@Resolver(() => Vendor)
export class VendorImagesResolver {
  constructor(private readonly images: VendorImageService) {}

  @FieldResolver(() => VendorImage, { nullable: true, description: "The vendor's logo; null when it has none." })
  logo(@Root() vendor: Vendor, @Ctx() context: RequestContext): Promise<VendorImage | null> {
    return this.images.current(context, vendor.id, VendorImageKind.LOGO);
  }

  @FieldResolver(() => VendorImage, { nullable: true, description: "The vendor's banner; null when it has none." })
  banner(@Root() vendor: Vendor, @Ctx() context: RequestContext): Promise<VendorImage | null> {
    return this.images.current(context, vendor.id, VendorImageKind.BANNER);
  }

  @Authorized()
  @Mutation(() => CreateVendorImageUploadPayload, {
    nullable: true,
    description:
      "A single-use URL to PUT the signed-in user's vendor's new logo or banner to (PNG, JPEG or WebP; MEDIA_MAX_BYTES, MEDIA_MAX_PIXELS); the upload replaces the current one. Not while SUSPENDED. Errors: UNAUTHENTICATED, FORBIDDEN (VENDOR_NOT_ACTIVE), NOT_FOUND.",
  })
  async createVendorImageUpload(
    @Arg('input', { description: 'Which image.' }) input: CreateVendorImageUploadInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateVendorImageUploadPayload> {
    return { upload: await this.images.issueUpload(context, input.kind) };
  }

  @Authorized()
  @Mutation(() => RemoveVendorImagePayload, {
    nullable: true,
    description:
      "Removes a vendor's logo or banner: your own vendor's, or any for an admin (audited). None: nothing changes. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND.",
  })
  async removeVendorImage(
    @Arg('input', { description: 'Which vendor, and which image.' }) input: RemoveVendorImageInput,
    @Ctx() context: RequestContext,
  ): Promise<RemoveVendorImagePayload> {
    return { vendor: await this.images.remove(context, input.vendorId, input.kind) };
  }
}
