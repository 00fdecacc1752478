import {
  AfterCommit,
  IssuedMediaUpload,
  Logger,
  MediaLibrary,
  MediaLibraryOptions,
  Outbox,
  ReceivedImage,
  RequestContext,
  defineLoader,
  filesOf,
  forbidden,
  isUniqueViolation,
  isUuid,
  notFound,
  pickVariant,
  recordAudit,
  recordedImageOf,
  requestOrigin,
  requireViewer,
  uploadLinkUsed,
} from '@marketplace/kit';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { VendorReason, checkId } from '../errors';
import { Vendor, VendorStatus } from '../vendor-account/vendor.entity';
import type { VendorService } from '../vendor-account/vendor.service';
import { VendorImage, VendorImageKind } from './vendor-image.entity';

/** What an upload link carries: whose image, and which; the owner, so that a link dies with the owner's erasure. */
export interface VendorImageClaims {
  vendorId: string;
  userId: string;
  kind: VendorImageKind;
}

/** The PUT's JSON answer: the new image. */
export interface VendorImageUploaded {
  image: { kind: VendorImageKind; url: string; width: number; height: number };
}

/** `VendorImage.thumbnail(width)` bounds: a thumbnail wider than the widest variant is that variant. */
export const THUMBNAIL_MAX_WIDTH = 4096;

/**
 * Vendors' logos and banners on the kit's media library (`/media/vendors`): upload links for
 * the vendor's owner (not while SUSPENDED), the current image of each kind, removal (by the
 * owner or an admin) and erasure. The last change to commit wins.
 */
export class VendorImageService {
  readonly library: MediaLibrary<VendorImageClaims, VendorImageUploaded>;

  constructor(
    private readonly db: DataSource,
    private readonly vendors: VendorService,
    media: Omit<MediaLibraryOptions, 'namespace' | 'routePrefix'>,
    private readonly outbox: Outbox,
    private readonly afterCommit: AfterCommit,
    private readonly log: Logger,
    /** After a committed change: the images are public. */
    private readonly announcePublicChange: () => Promise<void> = async () => undefined,
  ) {
    this.library = new MediaLibrary(
      { ...media, namespace: 'vendors', routePrefix: '/media/vendors' },
      {
        precheck: (claims) => this.precheck(claims),
        record: (image) => this.record(image),
        exists: (mediaId) => this.db.getRepository(VendorImage).existsBy({ mediaId, removedAt: IsNull() }),
      },
    );
  }

  /** Current images by vendor id, both kinds in one query per request tick (`Vendor.logo`, `Vendor.banner`). */
  readonly byVendorId = defineLoader<string, VendorImage[]>(async (vendorIds) => {
    const valid = [...new Set(vendorIds.filter(isUuid))];
    const rows = valid.length
      ? await this.db.getRepository(VendorImage).findBy({ vendorId: In(valid), removedAt: IsNull() })
      : [];
    return vendorIds.map((id) => rows.filter((row) => row.vendorId === id));
  });

  async current(context: RequestContext, vendorId: string, kind: VendorImageKind): Promise<VendorImage | null> {
    return (await this.byVendorId(context).load(vendorId)).find((image) => image.kind === kind) ?? null;
  }

  url(image: VendorImage): string {
    return this.library.fileUrl(image.mediaId, image.originalFile);
  }

  /** The narrowest WebP variant at least `width` pixels wide (else the widest); the original when there is none. */
  thumbnailUrl(image: VendorImage, width: number): string {
    const variant = pickVariant(image.variants, width);
    return variant ? this.library.fileUrl(image.mediaId, variant.file) : this.url(image);
  }

  /** A link for the signed-in user's vendor to PUT its new logo or banner to. */
  async issueUpload(context: RequestContext, kind: VendorImageKind): Promise<IssuedMediaUpload> {
    const viewer = requireViewer(context);
    const vendor = await this.db.getRepository(Vendor).findOneBy({ userId: viewer.id });
    if (!vendor) throw notFound('Vendor');
    requireNotSuspended(vendor);
    const { uploadId, ...upload } = this.library.issueUpload({ vendorId: vendor.id, userId: viewer.id, kind });
    context.log.info({ vendorId: vendor.id, kind, uploadId }, 'vendor image upload link issued');
    return upload;
  }

  /** Removes a vendor's logo or banner: its owner, or an admin (audited). None: nothing to do. */
  async remove(context: RequestContext, vendorId: string, kind: VendorImageKind): Promise<Vendor> {
    const viewer = requireViewer(context);
    const vendor = await this.vendors.find(context, checkId(vendorId, 'input.vendorId'));
    if (!vendor) throw notFound('Vendor');
    if (!this.vendors.canSeePrivateFields(context, vendor))
      throw forbidden("Only the vendor's owner and admins may remove its images");
    const removed = await this.db.transaction(async (manager) => {
      await this.lockVendor(manager, vendor.id);
      const current = await this.forgetCurrent(manager, vendor.id, kind);
      if (current && viewer.id !== vendor.userId)
        await recordAudit(manager, this.outbox, requestOrigin(context), {
          action: 'PROFILE_IMAGE_REMOVED',
          targetType: 'Vendor',
          targetId: vendor.id,
          before: { [kind.toLowerCase()]: current.mediaId },
          after: { [kind.toLowerCase()]: null },
        });
      return current;
    });
    if (removed) {
      context.log.info({ vendorId: vendor.id, kind, mediaId: removed.mediaId }, 'vendor image removed');
      this.byVendorId(context).clear(vendor.id);
      await this.announcePublicChange();
    }
    return vendor;
  }

  /** Erasure of the vendor's user (in the erasure's transaction): the rows now, the files after the commit. */
  async eraseAllOfUser(manager: EntityManager, userId: string): Promise<number> {
    const rows = await manager
      .getRepository(VendorImage)
      .createQueryBuilder('i')
      .where('i.vendor_id IN (SELECT id FROM vendors WHERE user_id = :userId)', { userId })
      .getMany();
    if (rows.length === 0) return 0;
    await manager.getRepository(VendorImage).delete({ mediaId: In(rows.map((row) => row.mediaId)) });
    this.afterCommit.run(manager, async () => {
      for (const row of rows) await this.library.deleteFiles(row.mediaId, filesOf(row), this.log);
    });
    return rows.length;
  }

  private async precheck(claims: VendorImageClaims): Promise<void> {
    requireUploadable(await this.db.getRepository(Vendor).findOneBy({ id: claims.vendorId }), claims);
  }

  private async record(image: ReceivedImage<VendorImageClaims>): Promise<VendorImageUploaded> {
    const { vendorId, kind } = image.claims;
    let saved: VendorImage;
    try {
      saved = await this.db.transaction(async (manager) => {
        // The vendor's row lock orders uploads, removals, suspension and erasure of one vendor.
        requireUploadable(await this.lockVendor(manager, vendorId), image.claims);
        if (await manager.getRepository(VendorImage).existsBy({ uploadId: image.uploadId })) throw uploadLinkUsed();
        await this.forgetCurrent(manager, vendorId, kind);
        return manager.getRepository(VendorImage).save({ ...recordedImageOf(image), vendorId, kind });
      });
    } catch (error) {
      if (isUniqueViolation(error, 'vendor_images_upload_id_key')) throw uploadLinkUsed();
      throw error;
    }
    await this.announcePublicChange();
    return { image: { kind, url: this.url(saved), width: saved.width, height: saved.height } };
  }

  /** Marks the current image of `kind` removed and deletes its files after the commit; null when there was none. */
  private async forgetCurrent(
    manager: EntityManager,
    vendorId: string,
    kind: VendorImageKind,
  ): Promise<VendorImage | null> {
    const current = await manager.getRepository(VendorImage).findOneBy({ vendorId, kind, removedAt: IsNull() });
    if (!current) return null;
    await manager.getRepository(VendorImage).update({ mediaId: current.mediaId }, { removedAt: new Date() });
    this.afterCommit.run(manager, () => this.library.deleteFiles(current.mediaId, filesOf(current), this.log));
    return current;
  }

  private async lockVendor(manager: EntityManager, vendorId: string): Promise<Vendor> {
    const vendor = await manager
      .getRepository(Vendor)
      .findOne({ where: { id: vendorId }, lock: { mode: 'pessimistic_write' } });
    if (!vendor) throw notFound('Vendor');
    return vendor;
  }
}

/** The link's vendor still belongs to the user it was issued to (an erasure gives it a pseudonym) and is not suspended. */
function requireUploadable(vendor: Vendor | null, claims: VendorImageClaims): void {
  if (!vendor || vendor.userId !== claims.userId) throw notFound('Vendor');
  requireNotSuspended(vendor);
}

function requireNotSuspended(vendor: Vendor): void {
  if (vendor.status === VendorStatus.SUSPENDED)
    throw forbidden('A suspended vendor cannot upload images', VendorReason.VENDOR_NOT_ACTIVE);
}
