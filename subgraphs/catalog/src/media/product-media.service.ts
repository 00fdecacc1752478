import {
  AfterCommit,
  IssuedMediaUpload,
  Logger,
  MediaLibrary,
  MediaOwner,
  ObjectStorage,
  ReceivedImage,
  RequestContext,
  Role,
  UrlTokenSigner,
  Viewer,
  conflict,
  uploadLinkUsed,
  defineLoader,
  filesOf,
  forbidden,
  globalId,
  isUniqueViolation,
  isUuid,
  notFound,
  notYours,
  pickVariant,
  requireViewer,
} from '@marketplace/kit';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { CacheCodec, StorefrontCache } from '../cache/storefront-cache';
import type { CatalogConfig } from '../config';
import { canView, isOwner } from '../product/product.access';
import { Product, ProductStatus } from '../product/product.entity';
import type { ProductStore } from '../product/product.store';
import { VendorStatus } from '../vendor-replica/vendor-replica.entity';
import { ProductMediaStore } from './product-media.store';
import { ProductMedia, ProductMediaKind } from './product-media.type';
import { MediaInputCheck } from './product-media.validation';

/** Where the catalog's image routes live (the gateway's REST edge forwards `/media/products` here). */
export const PRODUCT_MEDIA_ROUTE = '/media/products';
/** Images one product may have, cover included. */
export const PRODUCT_MEDIA_MAX = 20;

/** What an upload link carries: the product, what the image shows, and the vendor's user who asked. */
export interface ProductMediaClaims {
  productId: string;
  kind: ProductMediaKind;
  by: string;
}

/** The upload route's answer. */
export interface UploadedProductMedia {
  mediaId: string;
  productId: string;
  kind: ProductMediaKind;
  position: number;
  width: number;
  height: number;
  url: string;
}

const MEDIA_LIST_CODEC: CacheCodec<ProductMedia[]> = {
  encode: (list) => list,
  decode: (raw: ProductMedia[]) =>
    raw.map((media) => ProductMedia.of({ ...media, createdAt: new Date(media.createdAt) })),
};

/**
 * Product images: the product's vendor asks for a signed single-use upload URL, PUTs the
 * image to it (kit MediaLibrary: checked, stripped, variants made and stored), and the image
 * is recorded here, in a transaction under the product's row lock; the vendor sets alt text,
 * moves and deletes images. The catalog decides who may; the kit knows nothing of products.
 */
export class ProductMediaService implements MediaOwner<ProductMediaClaims, UploadedProductMedia> {
  readonly library: MediaLibrary<ProductMediaClaims, UploadedProductMedia>;
  private readonly store: ProductMediaStore;

  constructor(
    private readonly db: DataSource,
    private readonly products: ProductStore,
    storage: ObjectStorage,
    signer: UrlTokenSigner,
    settings: Pick<CatalogConfig, 'publicUrl' | 'media'>,
    private readonly afterCommit: AfterCommit,
    private readonly log: Logger,
    private readonly cache?: StorefrontCache,
  ) {
    this.store = new ProductMediaStore(db);
    this.library = new MediaLibrary(
      {
        namespace: 'products',
        routePrefix: PRODUCT_MEDIA_ROUTE,
        publicUrl: settings.publicUrl,
        storage,
        signer,
        config: settings.media,
      },
      this,
    );
  }

  /**
   * The media of products, in gallery order, one statement per request tick whatever the
   * page size; anonymous viewers read through the storefront cache (superseded with the product).
   */
  readonly ofProduct = defineLoader<string, ProductMedia[]>(async (productIds, context) => {
    const load = async (ids: readonly string[]) => {
      const media = await this.store.ofProducts(ids);
      return ids.map((id) => media.filter((item) => item.productId === id));
    };
    if (context.viewer !== null || !this.cache?.enabled) return load(productIds);
    const lists = await this.cache.readMany(
      productIds.map((productId) => ({ name: 'media', productId })),
      MEDIA_LIST_CODEC,
      (missing) => load(missing.map((i) => productIds[i])),
    );
    return lists.map((list) => list ?? []);
  });

  url(media: ProductMedia): string {
    return this.library.fileUrl(media.id, media.originalFile);
  }

  /** The URL of the narrowest WebP variant at least `width` pixels wide, else the widest. */
  thumbnail(media: ProductMedia, width: number): string {
    const check = new MediaInputCheck();
    check.thumbnailWidth('width', width);
    check.done();
    const variant = pickVariant(media.variants, width);
    return this.library.fileUrl(media.id, variant?.file ?? media.originalFile);
  }

  /** The owner (active vendor, product not archived, room left) gets a URL for one image. */
  async createUpload(
    context: RequestContext,
    productId: string,
    kind: ProductMediaKind,
  ): Promise<{ upload: IssuedMediaUpload; product: Product }> {
    const viewer = requireViewer(context);
    const check = new MediaInputCheck();
    if (!isUuid(productId)) check.add('input.productId', 'is not a valid id');
    check.done();
    const [product] = await this.products.findByIds([productId]);
    if (!product || !canView(viewer, product)) throw notFound('Product');
    if (!isOwner(viewer, product)) throw forbidden("Only the product's vendor can add images to it");
    await this.expectAccepting(this.db, product, kind, null);
    const upload = this.library.issueUpload({ productId: product.id, kind, by: viewer.id });
    context.log.info({ productId: product.id, kind, uploadId: upload.uploadId }, 'product media upload URL issued');
    return { upload, product };
  }

  /** MediaOwner: refuses a doomed upload before its bytes are read. */
  async precheck(claims: ProductMediaClaims, uploadId: string): Promise<void> {
    const [product] = await this.products.findByIds([claims.productId]);
    if (!product) throw notFound('Product');
    await this.expectAccepting(this.db, product, claims.kind, uploadId);
  }

  /** MediaOwner: records the image in the catalog's transaction, under the product's lock; the link is used up. */
  async record(image: ReceivedImage<ProductMediaClaims>): Promise<UploadedProductMedia> {
    const { productId, kind } = image.claims;
    try {
      const media = await this.db.transaction(async (manager) => {
        const product = await this.products.lock(manager, productId);
        if (product.vendorUserId !== image.claims.by) throw forbidden("Only the product's vendor can add images to it");
        await this.expectAccepting(manager, product, kind, image.uploadId);
        const inserted = await this.store.insert(manager, {
          id: image.mediaId,
          productId,
          uploadId: image.uploadId,
          kind,
          format: image.format,
          originalFile: image.originalFile,
          width: image.width,
          height: image.height,
          size: image.size,
          variants: image.variants,
        });
        this.cache?.productChanged(manager, productId);
        return inserted;
      });
      const { id, position, width, height } = media;
      return {
        mediaId: globalId('ProductMedia', id),
        productId: globalId('Product', productId),
        kind,
        position,
        width,
        height,
        url: this.url(media),
      };
    } catch (error) {
      // Two PUTs with one link raced: the first commit won.
      if (isUniqueViolation(error, 'product_media_upload_id_key')) throw uploadLinkUsed();
      throw error;
    }
  }

  /**
   * An image the catalog itself adds (the demo seed): stored through the same checks and
   * variants as an upload, recorded under the product's lock with the same limits.
   */
  async addServerImage(productId: string, kind: ProductMediaKind, bytes: Buffer, alt: string | null): Promise<void> {
    const stored = await this.library.storeImage(bytes);
    try {
      await this.db.transaction(async (manager) => {
        const product = await this.products.lock(manager, productId);
        await this.expectAccepting(manager, product, kind, null);
        const inserted = await this.store.insert(manager, {
          ...stored,
          id: stored.mediaId,
          productId,
          uploadId: randomUUID(),
          kind,
        });
        if (alt) await this.store.setAlt(manager, inserted.id, alt);
        this.cache?.productChanged(manager, productId);
      });
    } catch (error) {
      await this.library.deleteFiles(stored.mediaId, filesOf(stored), this.log);
      throw error;
    }
  }

  /** MediaOwner: a deleted image's URLs answer 404 at once, before its files are gone. */
  exists(mediaId: string): Promise<boolean> {
    return this.store.exists(mediaId);
  }

  async setAlt(context: RequestContext, mediaId: string, rawAlt: string | null) {
    const check = new MediaInputCheck();
    const alt = check.alt('input.alt', rawAlt);
    return this.change(context, mediaId, check, async (manager, media) => {
      const changed = await this.store.setAlt(manager, media.id, alt);
      context.log.info({ productId: media.productId, mediaId: media.id }, 'product media alt text set');
      return changed;
    });
  }

  async move(context: RequestContext, mediaId: string, position: number) {
    return this.change(context, mediaId, new MediaInputCheck(), async (manager, media, check) => {
      const { count } = await this.store.tally(manager, media.productId, null);
      check.position('input.position', position, count);
      check.done();
      const moved = await this.store.move(manager, media, position);
      context.log.info({ productId: media.productId, mediaId: media.id, position }, 'product media moved');
      return moved;
    });
  }

  /**
   * The vendor deletes an image of their product; admins may take any image down (moderation).
   * The files are deleted once the transaction committed.
   */
  async delete(context: RequestContext, mediaId: string) {
    return this.change(
      context,
      mediaId,
      new MediaInputCheck(),
      async (manager, media) => {
        await this.store.delete(manager, media);
        this.afterCommit.run(manager, () => this.library.deleteFiles(media.id, filesOf(media), this.log));
        context.log.info({ productId: media.productId, mediaId: media.id }, 'product media deleted');
        return media;
      },
      { adminMay: true },
    );
  }

  /**
   * One change of one image, in a transaction under its product's row lock: the image must
   * still be there once the lock is held; the caller must be the product's vendor (active,
   * product not archived), or an admin where `adminMay`.
   */
  private async change(
    context: RequestContext,
    mediaId: string,
    check: MediaInputCheck,
    work: (manager: EntityManager, media: ProductMedia, check: MediaInputCheck) => Promise<ProductMedia>,
    { adminMay = false } = {},
  ): Promise<{ media: ProductMedia; product: Product }> {
    const viewer = requireViewer(context);
    if (!isUuid(mediaId)) check.add('input.productMediaId', 'is not a valid id');
    check.done();
    const found = await this.store.find(this.db, mediaId);
    if (!found) throw notFound('Product media');
    return this.db.transaction(async (manager) => {
      const product = await this.products.lock(manager, found.productId);
      const media = await this.store.find(manager, mediaId);
      if (!media || !canView(viewer, product)) throw notFound('Product media');
      if (!(adminMay && isAdmin(viewer))) {
        if (!isOwner(viewer, product))
          throw notYours('Product media', true, "Only the product's vendor can change its images");
        expectChangeable(product);
      }
      const changed = await work(manager, media, check);
      this.cache?.productChanged(manager, product.id);
      return { media: changed, product };
    });
  }

  /** The vendor may sell, the product is not archived, there is room, the cover is free, the link unused. */
  private async expectAccepting(
    manager: EntityManager | DataSource,
    product: Product,
    kind: ProductMediaKind,
    uploadId: string | null,
  ): Promise<void> {
    expectChangeable(product);
    const tally = await this.store.tally(manager, product.id, uploadId);
    if (tally.uploadUsed) throw uploadLinkUsed();
    if (tally.count >= PRODUCT_MEDIA_MAX)
      throw conflict(`A product has at most ${PRODUCT_MEDIA_MAX} images; delete one first`, 'MEDIA_FULL');
    if (kind === ProductMediaKind.COVER && tally.hasCover)
      throw conflict('The product has a cover already; delete it first', 'COVER_EXISTS', [
        { field: 'input.kind', message: 'COVER is taken' },
      ]);
  }
}

function isAdmin(viewer: Viewer): boolean {
  return viewer.role === Role.ADMIN;
}

function expectChangeable(product: Product): void {
  if (product.vendorStatus !== VendorStatus.ACTIVE)
    throw forbidden('Your vendor account is suspended', 'VENDOR_SUSPENDED');
  if (product.status === ProductStatus.ARCHIVED)
    throw conflict("An archived product's images no longer change", 'PRODUCT_ARCHIVED');
}
