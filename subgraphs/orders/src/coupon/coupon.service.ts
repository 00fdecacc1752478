import {
  ConnectionShape,
  InputCheck,
  PageFields,
  RequestContext,
  Role,
  badInput,
  conflict,
  defineLoader,
  forbidden,
  isUuid,
  notFound,
  queryRows,
  requireViewer,
  timeIdPage,
  unauthenticated,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { ReplicaVendor, VendorReplicaService } from '../vendor-replica/vendor-replica.service';
import { COUPON_COLUMNS, CouponRow, toCoupon } from './coupon.store';
import type { CouponFilter, CreateCouponInput, VendorCouponFilter } from './coupon.inputs';
import { normalizeCode } from './coupon.rules';
import { Coupon, CouponIssuer } from './coupon.type';
import { NewCoupon, checkNewCoupon } from './coupon.validation';

/** Coupons as their issuers manage them: created by admins and ACTIVE vendors, seen by their vendor and admins. */
export class CouponService {
  constructor(
    private readonly db: DataSource,
    private readonly vendors: VendorReplicaService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The vendor the signed-in user runs, once per request however many fields ask. */
  private readonly viewerVendor = defineLoader<string, ReplicaVendor | null>(async (userIds) =>
    Promise.all(userIds.map((userId) => this.vendors.ofUser(this.db, userId))),
  );

  /**
   * An admin's coupon is PLATFORM; an ACTIVE vendor's is VENDOR, for its own products only.
   * The vendor's row is held FOR SHARE, so a suspension waits until the coupon is in.
   */
  async create(context: RequestContext, input: CreateCouponInput): Promise<Coupon> {
    const viewer = requireViewer(context);
    const coupon = checkNewCoupon(input, this.now());
    return this.db.transaction(async (manager) => {
      let vendorId: string | null = null;
      if (viewer.role !== Role.ADMIN) {
        const vendor = await this.vendors.ofUser(manager, viewer.id, true);
        if (!vendor || vendor.status === 'PENDING')
          throw forbidden('Only approved vendors and admins create coupons', 'NOT_A_VENDOR');
        if (vendor.status !== 'ACTIVE') throw forbidden('Your vendor account is suspended', 'VENDOR_SUSPENDED');
        vendorId = vendor.id;
      }
      await this.checkProducts(manager, coupon.productIds, vendorId);
      const [row] = await queryRows<{ id: string }>(
        manager,
        `INSERT INTO coupons (code, issuer, vendor_id, kind, percent_off_bps, amounts_off, minimum_subtotals, product_ids,
                              category_ids, starts_at, ends_at, max_redemptions, max_redemptions_per_customer, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT ON CONSTRAINT coupons_code_key DO NOTHING RETURNING id`,
        insertParameters(coupon, vendorId, viewer.id),
      );
      if (!row)
        throw conflict(`A coupon with the code ${coupon.code} exists already`, 'COUPON_CODE_TAKEN', [
          { field: 'input.code', message: 'is taken (codes are case-insensitive)' },
        ]);
      context.log.info({ couponId: row.id, code: coupon.code, vendorId }, 'coupon created');
      return (await this.byIds(manager, [row.id]))[0];
    });
  }

  /**
   * Stops a coupon for good: its vendor may, admins any. Another vendor's coupon is NOT_FOUND,
   * as an unknown one (only its vendor and admins see it). Deactivating twice changes nothing.
   */
  async deactivate(context: RequestContext, couponId: string): Promise<Coupon> {
    const viewer = requireViewer(context);
    if (!isUuid(couponId)) throw badInput([{ field: 'input.couponId', message: 'must be a Coupon id' }]);
    return this.db.transaction(async (manager) => {
      const [coupon] = await queryRows<{ vendorId: string | null }>(
        manager,
        `SELECT vendor_id AS "vendorId" FROM coupons WHERE id = $1 FOR UPDATE`,
        [couponId],
      );
      if (!coupon) throw notFound('Coupon');
      if (viewer.role !== Role.ADMIN) {
        const vendor = await this.vendors.ofUser(manager, viewer.id);
        if (!vendor || vendor.id !== coupon.vendorId) throw notFound('Coupon');
      }
      await manager.query(
        `UPDATE coupons SET active = false, deactivated_at = coalesce(deactivated_at, clock_timestamp()) WHERE id = $1`,
        [couponId],
      );
      context.log.info({ couponId }, 'coupon deactivated');
      return (await this.byIds(manager, [couponId]))[0];
    });
  }

  /** Every coupon, newest first (admins; the resolver checks the role). */
  list(filter: CouponFilter | null | undefined, page: PageFields): Promise<ConnectionShape<Coupon>> {
    return this.page(filter ?? {}, page);
  }

  /** A vendor's coupons, for the vendor itself and admins: UNAUTHENTICATED or FORBIDDEN for anyone else. */
  async ofVendor(
    context: RequestContext,
    vendorId: string,
    filter: VendorCouponFilter | null | undefined,
    page: PageFields,
  ): Promise<ConnectionShape<Coupon>> {
    if (!context.viewer) throw unauthenticated();
    if (context.viewer.role !== Role.ADMIN) {
      const own = await this.viewerVendor(context).load(context.viewer.id);
      if (own?.id !== vendorId) throw forbidden("Only the vendor's owner and admins may read its coupons");
    }
    return this.page({ ...filter, vendorId }, page);
  }

  private page(filter: CouponFilter, page: PageFields): Promise<ConnectionShape<Coupon>> {
    const where: string[] = ['true'];
    const parameters: unknown[] = [];
    const add = (condition: (n: string) => string, value: unknown) => {
      parameters.push(value);
      where.push(condition(`$${parameters.length}`));
    };
    if (filter.code != null) add((n) => `c.code = ${n}`, normalizeCode(filter.code));
    if (filter.issuer != null) add((n) => `c.issuer = ${n}`, filter.issuer);
    if (filter.vendorId != null) {
      if (!isUuid(filter.vendorId)) throw badInput([{ field: 'filter.vendorId', message: 'must be a Vendor id' }]);
      add((n) => `c.vendor_id = ${n}::uuid`, filter.vendorId);
    }
    if (filter.active != null) add((n) => `c.active = ${n}`, filter.active);
    return timeIdPage<CouponRow, Coupon>(
      this.db,
      {
        columns: COUPON_COLUMNS,
        from: 'coupons c',
        where: where.join(' AND '),
        parameters,
        orderBy: ['c.created_at', 'c.id'],
      },
      page,
      toCoupon,
      (coupon) => ({ time: coupon.createdAt, id: coupon.id }),
      'DESC',
    );
  }

  private async byIds(manager: EntityManager, ids: string[]): Promise<Coupon[]> {
    const rows = await queryRows<CouponRow>(
      manager,
      `SELECT ${COUPON_COLUMNS} FROM coupons c WHERE c.id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(toCoupon);
  }

  /** Targeted products must be known here; a vendor may target only its own. */
  private async checkProducts(manager: EntityManager, productIds: string[], vendorId: string | null): Promise<void> {
    if (productIds.length === 0) return;
    const rows = await queryRows<{ id: string; vendorId: string }>(
      manager,
      `SELECT id, vendor_id AS "vendorId" FROM products WHERE id = ANY($1::uuid[])`,
      [productIds],
    );
    const owner = new Map(rows.map((row) => [row.id, row.vendorId]));
    const check = new InputCheck();
    productIds.forEach((productId, index) => {
      if (!owner.has(productId)) check.add(`input.productIds.${index}`, 'is not a product of the marketplace');
      else if (vendorId !== null && owner.get(productId) !== vendorId)
        check.add(`input.productIds.${index}`, 'is not one of your products');
    });
    check.done();
  }
}

function insertParameters(coupon: NewCoupon, vendorId: string | null, userId: string): unknown[] {
  return [
    coupon.code,
    vendorId ? CouponIssuer.VENDOR : CouponIssuer.PLATFORM,
    vendorId,
    coupon.kind,
    coupon.percentOffBps,
    coupon.amountsOff && JSON.stringify(coupon.amountsOff),
    JSON.stringify(coupon.minimumSubtotals),
    [...new Set(coupon.productIds)],
    [...new Set(coupon.categoryIds)],
    coupon.startsAt,
    coupon.endsAt,
    coupon.maxRedemptions,
    coupon.maxRedemptionsPerCustomer,
    userId,
  ];
}
