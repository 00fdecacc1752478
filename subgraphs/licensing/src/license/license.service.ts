import { randomUUID } from 'node:crypto';
import {
  ConnectionShape,
  Events,
  Logger,
  Outbox,
  PageArgs,
  PayloadOf,
  RequestContext,
  Viewer,
  alignToKeys,
  defineLoader,
  forbidden,
  isSelfOrAdmin,
  isUuid,
  newestFirstPage,
  queryRows,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { keyDigest, signLicenseKey } from '../key/license-key';
import type { LicenseSigningKey } from '../key/signing-key';
import type { ProductReplicaService } from '../product-replica/product-replica.service';
import type { LicenseStore } from './license.store';
import { Activation, LICENSE_COLUMNS, License, toLicense } from './license.type';

type OrderPaid = PayloadOf<typeof Events.OrderPaid>;

/** Reading licenses (owner and admins), issuing them for paid orders and revoking them on refunds. */
export class LicenseService {
  constructor(
    private readonly db: DataSource,
    private readonly store: LicenseStore,
    private readonly products: ProductReplicaService,
    private readonly outbox: Outbox,
    private readonly signingKey: LicenseSigningKey,
    private readonly settings: { validityDays: number },
  ) {}

  /** License references, one query per request tick; null unless the viewer owns it or is an admin. */
  readonly byId = defineLoader<string, License | null>(async (ids, context) => {
    const valid = [...new Set(ids.filter(isUuid))];
    const licenses = await this.store.byIds(this.db, valid);
    return alignToKeys(ids, licenses, (license) => license.id).map((license) =>
      license && this.canSee(context.viewer, license) ? license : null,
    );
  });

  /**
   * `Order.licenses`: per order, its licenses for their owner and admins; FORBIDDEN for anyone
   * else. Every license of an order has the order's owner, so the licenses say whose it is; an
   * order without licenses (unpaid, or not yet fulfilled) has none to hide and answers [].
   */
  readonly byOrderId = defineLoader<string, License[]>(async (orderIds, context) => {
    const viewer = requireViewer(context);
    const valid = [...new Set(orderIds.filter(isUuid))];
    const licenses = await this.store.byOrderIds(this.db, valid);
    return orderIds.map((orderId) => {
      const ofOrder = licenses.filter((license) => license.orderId === orderId);
      return ofOrder.every((license) => this.canSee(viewer, license))
        ? ofOrder
        : forbidden("Only the order's owner or an admin may list its licenses");
    });
  });

  /**
   * `Product.viewerLicense`: per product, the signed-in viewer's own license (an ACTIVE one
   * first, else the most recently issued); null when signed out or there is none. Per request
   * and per viewer, like every loader.
   */
  readonly viewerLicenseByProductId = defineLoader<string, License | null>(async (productIds, context) => {
    const viewer = context.viewer;
    const valid = [...new Set(productIds.filter(isUuid))];
    if (!viewer || valid.length === 0) return productIds.map(() => null);
    const licenses = await this.store.preferredOfOwner(this.db, viewer.id, valid);
    return alignToKeys(productIds, licenses, (license) => license.productId);
  });

  /** `License.activations` of every license in a response, one query. */
  readonly activationsByLicenseId = defineLoader<string, Activation[]>(async (ids) => {
    const groups = await this.store.activationsOf(this.db, [...new Set(ids)]);
    return ids.map((id) => groups.get(id) ?? []);
  });

  canSee(viewer: Viewer | null, license: License): boolean {
    return isSelfOrAdmin(viewer, license.ownerId);
  }

  /** `User.licenses` (`me { licenses }`): newest first, keyset-paged on (issued_at, id); the user or an admin only. */
  async list(context: RequestContext, userId: string, page: PageArgs): Promise<ConnectionShape<License>> {
    const viewer = requireViewer(context);
    if (!isSelfOrAdmin(viewer, userId)) throw forbidden('Only the user or an admin may list their licenses');
    return newestFirstPage(
      this.db,
      {
        columns: LICENSE_COLUMNS,
        from: 'licenses l',
        where: 'l.owner_id = $1',
        parameters: [userId],
        orderBy: ['l.issued_at', 'l.id'],
      },
      page,
      toLicense,
      (license) => license.issuedAt,
    );
  }

  /**
   * One license per order line, each announced with license.issued in the handler's
   * transaction, then the whole order once with order.licensed (the receipt mail's keys).
   * The unique (order, product) makes a redelivered or repeated order.paid issue nothing
   * new, so it announces nothing again. A product the replica has not heard of yet gets the
   * default policy: fulfilment never waits for the catalog.
   */
  async issueForOrder(manager: EntityManager, order: OrderPaid, correlationId: string, log: Logger): Promise<string[]> {
    const [refunded] = await queryRows(manager, `SELECT reason FROM refunded_orders WHERE order_id = $1`, [
      order.orderId,
    ]);
    if (refunded) {
      log.warn({ orderId: order.orderId }, 'order.paid for an order already refunded; no licenses issued');
      return [];
    }
    // An order disputed before its licenses were issued: they start SUSPENDED, or not at all once the dispute is lost.
    const [dispute] = await queryRows<{ status: string }>(
      manager,
      `SELECT status FROM disputed_orders WHERE order_id = $1`,
      [order.orderId],
    );
    if (dispute?.status === 'LOST') {
      log.warn(
        { orderId: order.orderId },
        'order.paid for an order whose payment dispute was lost; no licenses issued',
      );
      return [];
    }
    const status = dispute?.status === 'OPEN' ? 'SUSPENDED' : 'ACTIVE';
    // Lines refunded before order.paid got here never get a license.
    const refundedLines = await queryRows<{ productId: string }>(
      manager,
      `SELECT product_id AS "productId" FROM refunded_order_lines WHERE order_id = $1`,
      [order.orderId],
    );
    const skipped = new Set(refundedLines.map((line) => line.productId));
    const productIds = [...new Set(order.items.map((item) => item.productId))].filter((id) => !skipped.has(id));
    const policies = await this.products.maxActivationsOf(manager, productIds);
    // Whole seconds, so the stored times equal the key's iat/exp exactly.
    const iat = Math.floor(Date.now() / 1000);
    const exp = this.settings.validityDays > 0 ? iat + this.settings.validityDays * 86_400 : null;
    const issued: PayloadOf<typeof Events.OrderLicensed>['licenses'] = [];
    for (const productId of productIds) {
      const id = randomUUID();
      const max = policies.get(productId)!;
      const key = signLicenseKey(
        { v: 1, lid: id, pid: productId, sub: order.userId, max, iat, exp, kid: this.signingKey.keyId },
        this.signingKey.privateKey,
      );
      const rows = await queryRows(
        manager,
        `INSERT INTO licenses (id, order_id, product_id, owner_id, max_activations, license_key, key_sha256, issued_at, expires_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8), to_timestamp($9), $10)
         ON CONFLICT ON CONSTRAINT licenses_order_product_key DO NOTHING
         RETURNING id`,
        [id, order.orderId, productId, order.userId, max, key, keyDigest(key), iat, exp, status],
      );
      if (rows.length === 0) continue;
      await this.outbox.record(
        manager,
        Events.LicenseIssued,
        { licenseId: id, productId, ownerId: order.userId, orderId: order.orderId },
        { aggregateId: order.orderId, correlationId },
      );
      issued.push({ licenseId: id, productId, licenseKey: key });
    }
    if (issued.length > 0) {
      const { orderId, number, userId, total, items, paymentId } = order;
      await this.outbox.record(
        manager,
        Events.OrderLicensed,
        { orderId, number, userId, total, items, paymentId, licenses: issued },
        { aggregateId: orderId, correlationId },
      );
    }
    // Counts only: the keys are secrets and never reach a log line.
    log.info({ orderId: order.orderId, issued: issued.length, lines: productIds.length }, 'licenses issued');
    return issued.map((license) => license.licenseId);
  }

  /**
   * A refund (or a lost dispute) revokes the order's licenses, suspended ones too (license.revoked
   * each); a refund seen first keeps them from being issued at all.
   */
  async revokeForOrder(
    manager: EntityManager,
    orderId: string,
    reason: string,
    correlationId: string,
    log: Logger,
  ): Promise<number> {
    await manager.query(
      `INSERT INTO refunded_orders (order_id, reason) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING`,
      [orderId, reason],
    );
    const revoked = await this.revoke(manager, orderId, null, reason, correlationId);
    log.info({ orderId, revoked }, 'licenses revoked');
    return revoked;
  }

  /**
   * A partial refund revokes the licenses of the lines it gives back only (suspended ones too);
   * a line refunded before order.paid got here is never issued. A redelivery revokes nothing more.
   */
  async revokeForLines(
    manager: EntityManager,
    orderId: string,
    productIds: string[],
    reason: string,
    correlationId: string,
    log: Logger,
  ): Promise<number> {
    await manager.query(
      `INSERT INTO refunded_order_lines (order_id, product_id, reason) SELECT $1, unnest($2::uuid[]), $3
       ON CONFLICT (order_id, product_id) DO NOTHING`,
      [orderId, productIds, reason],
    );
    const revoked = await this.revoke(manager, orderId, productIds, reason, correlationId);
    log.info({ orderId, lines: productIds.length, revoked }, 'licenses of refunded lines revoked');
    return revoked;
  }

  /** Revokes the order's live licenses (of these products only, unless null), each announced with license.revoked. */
  private async revoke(
    manager: EntityManager,
    orderId: string,
    productIds: string[] | null,
    reason: string,
    correlationId: string,
  ): Promise<number> {
    const rows = await queryRows<{ id: string; productId: string; ownerId: string }>(
      manager,
      `UPDATE licenses SET status = 'REVOKED', revoked_at = now(), revoke_reason = $2
        WHERE order_id = $1 AND status IN ('ACTIVE', 'SUSPENDED') AND ($3::uuid[] IS NULL OR product_id = ANY($3::uuid[]))
       RETURNING id, product_id AS "productId", owner_id AS "ownerId"`,
      [orderId, reason, productIds],
    );
    for (const row of rows) {
      await this.outbox.record(
        manager,
        Events.LicenseRevoked,
        { licenseId: row.id, productId: row.productId, ownerId: row.ownerId, orderId, reason },
        { aggregateId: orderId, correlationId },
      );
    }
    return rows.length;
  }
}
