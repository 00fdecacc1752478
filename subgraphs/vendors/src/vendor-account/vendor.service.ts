import {
  ConnectionShape,
  Events,
  Outbox,
  PageFields,
  RequestContext,
  alignToKeys,
  conflict,
  defineLoader,
  forbidden,
  isSelfOrAdmin,
  isUniqueViolation,
  isUuid,
  newestFirstEntities,
  notFound,
  requireViewer,
  lockNameForTransaction,
} from '@marketplace/kit';
import { DataSource, EntityManager, In } from 'typeorm';
import type { VendorConfig } from '../config';
import { VendorReason, checkId } from '../errors';
import { Vendor, VendorStatus } from './vendor.entity';
import { ApplyAsVendorInput, UpdateVendorProfileInput } from './vendor.inputs';
import { BIO_MAX_LENGTH, VendorInputCheck, isSlug, slugFrom, slugWithSuffix } from './vendor.validation';
import { socialLinks, webAddress } from './vendor-links.validation';

/** Attempts at a generated slug when a concurrent applicant chose the one we picked. */
const GENERATED_SLUG_ATTEMPTS = 5;

export class VendorService {
  constructor(
    private readonly db: DataSource,
    private readonly settings: VendorConfig,
    private readonly outbox: Outbox,
    /** After a committed profile change: the profile is public. */
    private readonly announcePublicChange: () => Promise<void> = async () => undefined,
  ) {}

  /** Vendors by id, one query per request tick (references from other subgraphs land here). */
  readonly byId = defineLoader<string, Vendor | null>(async (ids) => {
    const valid = [...new Set(ids.filter(isUuid))];
    const rows = valid.length ? await this.db.getRepository(Vendor).findBy({ id: In(valid) }) : [];
    return alignToKeys(ids, rows, (vendor) => vendor.id);
  });

  /** Vendors by their user's id, one query per request tick (`User.vendor`). */
  readonly byUserId = defineLoader<string, Vendor | null>(async (userIds) => {
    const valid = [...new Set(userIds.filter(isUuid))];
    const rows = valid.length ? await this.db.getRepository(Vendor).findBy({ userId: In(valid) }) : [];
    return alignToKeys(userIds, rows, (vendor) => vendor.userId);
  });

  /** The vendor's own user and admins see everything about it. */
  canSeePrivateFields(context: RequestContext, vendor: Vendor): boolean {
    return isSelfOrAdmin(context.viewer, vendor.userId);
  }

  /**
   * For the private lists (balances, ledger, payouts): the owner and admins read them; anyone
   * else, signed in or not, is refused FORBIDDEN, never given an empty list. (Not UNAUTHENTICATED:
   * that one carries HTTP 401, which would fail the whole answer of a public vendor.)
   */
  requirePrivateAccess(context: RequestContext, vendor: Vendor, what: string): void {
    if (!this.canSeePrivateFields(context, vendor))
      throw forbidden(`Only the vendor's owner and admins may read its ${what}`);
  }

  /** Everyone sees ACTIVE vendors; other statuses only their user and admins. */
  isVisible(context: RequestContext, vendor: Vendor): boolean {
    return vendor.status === VendorStatus.ACTIVE || this.canSeePrivateFields(context, vendor);
  }

  /** By id; null when unknown or not visible to the viewer, alike. A malformed id is BAD_USER_INPUT. */
  async find(context: RequestContext, id: string): Promise<Vendor | null> {
    const vendor = await this.byId(context).load(checkId(id, 'id'));
    return vendor && this.isVisible(context, vendor) ? vendor : null;
  }

  /** By slug, whatever its case; null when unknown, malformed or not visible to the viewer, alike. */
  async findBySlug(context: RequestContext, slug: string): Promise<Vendor | null> {
    const wanted = slug.trim().toLowerCase();
    const vendor = isSlug(wanted) ? await this.db.getRepository(Vendor).findOneBy({ slug: wanted }) : null;
    return vendor && this.isVisible(context, vendor) ? vendor : null;
  }

  /** `User.vendor`: the user's vendor when the viewer may see it. */
  async ofUser(context: RequestContext, userId: string): Promise<Vendor | null> {
    const vendor = await this.byUserId(context).load(userId);
    return vendor && this.isVisible(context, vendor) ? vendor : null;
  }

  /** Admin list, newest first, keyset-paged on (created_at, id). */
  async list(status: VendorStatus | null | undefined, page: PageFields): Promise<ConnectionShape<Vendor>> {
    const query = this.db.getRepository(Vendor).createQueryBuilder('v');
    if (status) query.andWhere('v.status = :status', { status });
    return newestFirstEntities(query, ['v.created_at', 'v.id'], page, (vendor) => vendor.createdAt);
  }

  /**
   * A new PENDING vendor for the signed-in user, one per user. A rejected applicant applies
   * again with the same row, which goes back to PENDING.
   */
  async apply(context: RequestContext, input: ApplyAsVendorInput): Promise<Vendor> {
    const viewer = requireViewer(context);
    const check = new VendorInputCheck();
    const displayName = check.displayName('input.displayName', input.displayName);
    const slug = input.slug == null ? undefined : check.slug('input.slug', input.slug);
    const bio = input.bio == null ? null : check.multiLineText('input.bio', input.bio, BIO_MAX_LENGTH) || null;
    check.done();
    for (let attempt = 1; ; attempt += 1) {
      try {
        const vendor = await this.db.transaction(async (manager) => {
          const existing = await manager
            .getRepository(Vendor)
            .findOne({ where: { userId: viewer.id }, lock: { mode: 'pessimistic_write' } });
          if (existing && existing.status !== VendorStatus.REJECTED) throw alreadyAVendor(existing.status);
          const vendor =
            existing ??
            manager.create(Vendor, {
              userId: viewer.id,
              commissionBps: this.settings.defaultCommissionBps,
              approvedAt: null,
            });
          Object.assign(vendor, {
            displayName,
            bio,
            status: VendorStatus.PENDING,
            rejectionReason: null,
            suspensionReason: null,
            // A re-application goes to the back of the queue, like a new one.
            submittedAt: new Date(),
          });
          vendor.slug = slug ?? (await this.freeSlug(manager, slugFrom(displayName), existing?.id));
          const saved = await manager.save(vendor);
          // Admins hear of the application (notifications), in its transaction.
          await this.outbox.record(
            manager,
            Events.VendorApplied,
            { vendorId: saved.id, userId: saved.userId, displayName: saved.displayName },
            { aggregateId: saved.id, correlationId: context.requestId },
          );
          return saved;
        });
        context.log.info({ vendorId: vendor.id, slug: vendor.slug }, 'vendor application received');
        return vendor;
      } catch (error) {
        if (isUniqueViolation(error, 'vendors_user_id_key')) throw alreadyAVendor();
        if (isUniqueViolation(error, 'vendors_slug_key') && slug === undefined && attempt < GENERATED_SLUG_ATTEMPTS)
          continue;
        throw slugConflict(error);
      }
    }
  }

  /** Changes the signed-in user's vendor profile. */
  async updateProfile(context: RequestContext, input: UpdateVendorProfileInput): Promise<Vendor> {
    const viewer = requireViewer(context);
    const check = new VendorInputCheck();
    // Omitted: unchanged. Null: removed, which only the bio may be.
    if (input.displayName === null) check.add('input.displayName', 'cannot be removed');
    if (input.slug === null) check.add('input.slug', 'cannot be removed');
    const displayName =
      input.displayName == null ? undefined : check.displayName('input.displayName', input.displayName);
    const slug = input.slug == null ? undefined : check.slug('input.slug', input.slug);
    const bio =
      input.bio === undefined
        ? undefined
        : input.bio === null
          ? null
          : check.multiLineText('input.bio', input.bio, BIO_MAX_LENGTH) || null;
    const website =
      input.website === undefined
        ? undefined
        : input.website === null || input.website.trim() === ''
          ? null
          : (webAddress(check, 'input.website', input.website)?.href ?? null);
    const links =
      input.socialLinks === undefined ? undefined : socialLinks(check, 'input.socialLinks', input.socialLinks ?? []);
    check.done();
    let saved: Vendor;
    try {
      saved = await this.db.transaction(async (manager) => {
        const vendor = await manager
          .getRepository(Vendor)
          .findOne({ where: { userId: viewer.id }, lock: { mode: 'pessimistic_write' } });
        if (!vendor) throw notFound('Vendor');
        const publicChange =
          (displayName !== undefined && displayName !== vendor.displayName) ||
          (slug !== undefined && slug !== vendor.slug);
        if (displayName !== undefined) vendor.displayName = displayName;
        if (slug !== undefined) vendor.slug = slug;
        if (bio !== undefined) vendor.bio = bio;
        if (website !== undefined) vendor.website = website;
        // The whole list is replaced, so two concurrent edits never interleave their links.
        if (links !== undefined) vendor.socialLinks = links;
        const saved = await manager.save(vendor);
        if (publicChange) {
          const payload = {
            vendorId: saved.id,
            userId: saved.userId,
            displayName: saved.displayName,
            slug: saved.slug,
          };
          await this.outbox.record(manager, Events.VendorUpdated, payload, {
            aggregateId: saved.id,
            correlationId: context.requestId,
          });
        }
        return saved;
      });
    } catch (error) {
      throw slugConflict(error);
    }
    // The whole profile is public, the bio, website and links included (the catalog replicates only name and slug).
    await this.announcePublicChange();
    return saved;
  }

  /** `base`, or `base-2`, `base-3`… whichever is free first (`ownId`'s own slug counts as free). */
  private async freeSlug(manager: EntityManager, base: string, ownId?: string): Promise<string> {
    // Applicants with one name take turns until commit, so each sees the slugs the others took.
    await lockNameForTransaction(manager, `vendor-slug:${base}`);
    // Every candidate starts with these 40 characters, and a slug holds no LIKE wildcards (`%`, `_`).
    const query = manager
      .getRepository(Vendor)
      .createQueryBuilder('v')
      .select('v.slug', 'slug')
      .where('v.slug LIKE :prefix', { prefix: `${base.slice(0, 40)}%` });
    if (ownId) query.andWhere('v.id <> :ownId', { ownId });
    const used = new Set((await query.getRawMany<{ slug: string }>()).map((row) => row.slug));
    if (!used.has(base)) return base;
    for (let n = 2; ; n += 1) {
      const candidate = slugWithSuffix(base, n);
      if (!used.has(candidate)) return candidate;
    }
  }
}

function alreadyAVendor(status?: VendorStatus) {
  const message = status ? `You already have a vendor profile, ${status}` : 'You already have a vendor profile';
  return conflict(message, VendorReason.ALREADY_A_VENDOR);
}

/** The slug unique constraint as a CONFLICT on the slug field; any other error as it is. */
function slugConflict(error: unknown): unknown {
  return isUniqueViolation(error, 'vendors_slug_key')
    ? conflict('This slug is taken by another vendor', VendorReason.SLUG_TAKEN, [
        { field: 'input.slug', message: 'is taken by another vendor' },
      ])
    : error;
}
