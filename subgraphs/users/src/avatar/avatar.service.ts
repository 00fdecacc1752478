import {
  AfterCommit,
  IssuedMediaUpload,
  Logger,
  MediaLibrary,
  MediaLibraryOptions,
  Outbox,
  ReceivedImage,
  RequestContext,
  alignToKeys,
  badInput,
  defineLoader,
  filesOf,
  isSelfOrAdmin,
  isUniqueViolation,
  isUuid,
  notFound,
  pickVariant,
  recordedImageOf,
  requireViewer,
  uploadLinkUsed,
} from '@marketplace/kit';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { Avatar } from './avatar.entity';
import { auditUser } from '../user/user-audit';

/** What an avatar upload link carries: whose avatar it sets. */
export interface AvatarClaims {
  userId: string;
}

/** The PUT's JSON answer: the new avatar. */
export interface AvatarUploaded {
  avatar: { url: string; width: number; height: number };
}

/** `Avatar.thumbnail(width)` bounds: a thumbnail wider than the widest variant is that variant. */
export const THUMBNAIL_MAX_WIDTH = 4096;

/**
 * Users' avatars on the kit's media library (`/media/users`): signed single-use upload
 * links for the user themself, the current avatar per user, removal (by the user or an
 * admin) and erasure. The last change to commit wins: an upload replaces the avatar there
 * is when it is recorded, whatever happened since its link was issued.
 */
export class AvatarService {
  readonly library: MediaLibrary<AvatarClaims, AvatarUploaded>;

  constructor(
    private readonly db: DataSource,
    media: Omit<MediaLibraryOptions, 'namespace' | 'routePrefix'>,
    private readonly outbox: Outbox,
    private readonly afterCommit: AfterCommit,
    private readonly log: Logger,
    /** After a committed change: avatars show on public pages (reviews, storefronts). */
    private readonly announcePublicChange: () => Promise<void> = async () => undefined,
  ) {
    this.library = new MediaLibrary(
      { ...media, namespace: 'users', routePrefix: '/media/users' },
      {
        precheck: (claims) => this.precheck(claims),
        record: (image) => this.record(image),
        exists: (mediaId) => this.isCurrent(mediaId),
      },
    );
  }

  /** Current avatars by user id, one query per request tick (`User.avatar`). */
  readonly byUserId = defineLoader<string, Avatar | null>(async (userIds) => {
    const valid = [...new Set(userIds.filter(isUuid))];
    const rows = valid.length
      ? await this.db.getRepository(Avatar).findBy({ userId: In(valid), removedAt: IsNull() })
      : [];
    return alignToKeys(userIds, rows, (avatar) => avatar.userId);
  });

  url(avatar: Avatar): string {
    return this.library.fileUrl(avatar.mediaId, avatar.originalFile);
  }

  /** The narrowest WebP variant at least `width` pixels wide (else the widest); the original when there is none. */
  thumbnailUrl(avatar: Avatar, width: number): string {
    const variant = pickVariant(avatar.variants, width);
    return variant ? this.library.fileUrl(avatar.mediaId, variant.file) : this.url(avatar);
  }

  /** A link for the signed-in user to PUT their new avatar to. */
  async issueUpload(context: RequestContext): Promise<IssuedMediaUpload> {
    const viewer = requireViewer(context);
    await this.precheck({ userId: viewer.id });
    const { uploadId, ...upload } = this.library.issueUpload({ userId: viewer.id });
    context.log.info({ userId: viewer.id, uploadId }, 'avatar upload link issued');
    return upload;
  }

  /** Removes a user's avatar: the user themself, or an admin (audited). No avatar: nothing to do. */
  async remove(context: RequestContext, userId: string): Promise<void> {
    const viewer = requireViewer(context);
    if (!isUuid(userId)) throw badInput([{ field: 'input.userId', message: 'is not a valid id' }]);
    // Anyone else's account is not visible to the caller: NOT_FOUND, as for an unknown id.
    if (!isSelfOrAdmin(viewer, userId)) throw notFound('User');
    const removed = await this.db.transaction(async (manager) => {
      await this.lockLiveUser(manager, userId);
      const current = await this.forgetCurrent(manager, userId);
      if (current && viewer.id !== userId)
        await auditUser(manager, this.outbox, context, 'PROFILE_IMAGE_REMOVED', userId, {
          before: { avatar: current.mediaId },
          after: { avatar: null },
        });
      return current;
    });
    if (!removed) return;
    context.log.info({ userId, mediaId: removed.mediaId }, 'avatar removed');
    this.byUserId(context).clear(userId);
    await this.announcePublicChange();
  }

  /**
   * Erasure (in the erasure's transaction): every avatar row of the user goes, and their files
   * once the erasure commits.
   */
  async eraseAll(manager: EntityManager, userId: string): Promise<number> {
    const rows = await manager.getRepository(Avatar).findBy({ userId });
    if (rows.length === 0) return 0;
    await manager.getRepository(Avatar).delete({ userId });
    this.afterCommit.run(manager, async () => {
      for (const row of rows) await this.library.deleteFiles(row.mediaId, filesOf(row), this.log);
    });
    return rows.length;
  }

  private async precheck({ userId }: AvatarClaims): Promise<void> {
    const [user] = await this.db.query<{ erased_at: Date | null }[]>(`SELECT erased_at FROM users WHERE id = $1`, [
      userId,
    ]);
    if (!user || user.erased_at) throw notFound('User');
  }

  private async record(image: ReceivedImage<AvatarClaims>): Promise<AvatarUploaded> {
    const { userId } = image.claims;
    let avatar: Avatar;
    try {
      avatar = await this.db.transaction(async (manager) => {
        // The user's row lock orders uploads, removals and the erasure of one user.
        await this.lockLiveUser(manager, userId);
        const used = await manager.getRepository(Avatar).existsBy({ uploadId: image.uploadId });
        if (used) throw uploadLinkUsed();
        await this.forgetCurrent(manager, userId);
        return manager.getRepository(Avatar).save({ ...recordedImageOf(image), userId });
      });
    } catch (error) {
      if (isUniqueViolation(error, 'user_avatars_upload_id_key')) throw uploadLinkUsed();
      throw error;
    }
    await this.announcePublicChange();
    return { avatar: { url: this.url(avatar), width: avatar.width, height: avatar.height } };
  }

  /** Whether a media id is someone's current avatar: a replaced one's URL stops working at once. */
  private async isCurrent(mediaId: string): Promise<boolean> {
    return this.db.getRepository(Avatar).existsBy({ mediaId, removedAt: IsNull() });
  }

  /** Marks the current avatar removed and deletes its files after the commit; null when there was none. */
  private async forgetCurrent(manager: EntityManager, userId: string): Promise<Avatar | null> {
    const current = await manager.getRepository(Avatar).findOneBy({ userId, removedAt: IsNull() });
    if (!current) return null;
    await manager.getRepository(Avatar).update({ mediaId: current.mediaId }, { removedAt: new Date() });
    this.afterCommit.run(manager, () => this.library.deleteFiles(current.mediaId, filesOf(current), this.log));
    return current;
  }

  private async lockLiveUser(manager: EntityManager, userId: string): Promise<void> {
    const [user] = await manager.query<{ erased_at: Date | null }[]>(
      `SELECT erased_at FROM users WHERE id = $1 FOR UPDATE`,
      [userId],
    );
    if (!user || user.erased_at) throw notFound('User');
  }
}
