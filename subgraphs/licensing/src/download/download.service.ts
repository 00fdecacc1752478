import type { Readable } from 'node:stream';
import {
  ByteRange,
  Events,
  InputCheck,
  ObjectStorage,
  Outbox,
  RequestContext,
  Role,
  RouteRefusal,
  UrlTokenSigner,
  conflict,
  isUuid,
  notFound,
  notYours,
  queryRows,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import type { LicenseStore } from '../license/license.store';
import { License, LicenseStatus, inactiveReason } from '../license/license.type';
import type { ProductReplicaService } from '../product-replica/product-replica.service';
import { DownloadLink } from './download.type';

/** Distinct from the catalog's `artifact-upload`: both share the URL signing secret, and an upload token must never download. */
export const DOWNLOAD_PURPOSE = 'license-download';

/**
 * Expired links still verify (HMAC) this long after their own `exp`, only so they can be
 * answered 410 Gone rather than 403; after that they are as unknown as a forged one.
 */
const EXPIRED_LINK_GRACE_SECONDS = 30 * 24 * 3600;

/** What a download token carries: the license, and the exact build the link was made for. */
export interface DownloadClaims {
  lid: string;
  version: string;
  storageKey: string;
  sha256: string;
  size: number;
  contentType: string;
  fileName: string;
  /** Epoch seconds; checked here (the kit's own expiry is later, see above). */
  exp: number;
}

/** Why a download was refused, as the HTTP status and error code the route answers. */
export class DownloadRefused extends RouteRefusal {}

/** Download links for a license's owner, and what `GET /downloads/:token` needs to serve one. */
export class DownloadService {
  constructor(
    private readonly db: DataSource,
    private readonly licenses: LicenseStore,
    private readonly products: ProductReplicaService,
    private readonly storage: ObjectStorage,
    private readonly signer: UrlTokenSigner,
    private readonly settings: { publicUrl: string; downloadLinkTtlSeconds: number },
    private readonly outbox: Outbox,
  ) {}

  /** The owner of an ACTIVE license whose product has a build gets a link, valid for minutes. */
  async createLink(
    context: RequestContext,
    licenseId: string,
  ): Promise<{ downloadLink: DownloadLink; license: License }> {
    const viewer = requireViewer(context);
    const check = new InputCheck();
    if (!isUuid(licenseId)) check.add('input.licenseId', 'must be a UUID');
    check.done();
    const [license] = await this.licenses.byIds(this.db, [licenseId]);
    if (!license) throw notFound('License');
    if (license.ownerId !== viewer.id)
      throw notYours('License', viewer.role === Role.ADMIN, "Only the license's owner can download with it");
    if (license.status !== LicenseStatus.ACTIVE)
      throw conflict(`This license is ${license.status}; its downloads are closed`, inactiveReason(license.status));
    const artifact = await this.products.currentArtifact(this.db, license.productId);
    if (!artifact) throw conflict('The vendor has not uploaded a build of this product yet', 'NO_ARTIFACT');
    const ttl = this.settings.downloadLinkTtlSeconds;
    const exp = Math.floor(Date.now() / 1000) + ttl;
    const claims: DownloadClaims = {
      lid: license.id,
      version: artifact.version,
      storageKey: artifact.storageKey,
      sha256: artifact.sha256,
      size: artifact.size,
      contentType: artifact.contentType,
      fileName: fileName(artifact.productName, artifact.version),
      exp,
    };
    const token = this.signer.sign(DOWNLOAD_PURPOSE, claims, ttl + EXPIRED_LINK_GRACE_SECONDS);
    context.log.info({ licenseId: license.id, version: artifact.version }, 'download link issued');
    const downloadLink = Object.assign(new DownloadLink(), {
      url: `${this.settings.publicUrl}/downloads/${token}`,
      expiresAt: new Date(exp * 1000),
      sha256: artifact.sha256,
      size: artifact.size,
      version: artifact.version,
    });
    return { downloadLink, license };
  }

  /** The token's claims once the license is checked again now: 403 forged or license not ACTIVE, 410 expired. */
  async open(token: string): Promise<DownloadClaims> {
    const claims = this.signer.verify<DownloadClaims>(DOWNLOAD_PURPOSE, token);
    if (!claims || !isUuid(claims.lid) || typeof claims.storageKey !== 'string' || typeof claims.exp !== 'number') {
      throw new DownloadRefused(403, 'FORBIDDEN', 'This download link is invalid');
    }
    if (claims.exp < Date.now() / 1000)
      throw new DownloadRefused(410, 'LINK_EXPIRED', 'This download link has expired; ask for a new one');
    // Re-checked at download time: a refund revokes the license, and its live links stop at once.
    const [license] = await this.licenses.byIds(this.db, [claims.lid]);
    if (!license || license.status !== LicenseStatus.ACTIVE) {
      throw new DownloadRefused(
        403,
        license?.status === LicenseStatus.SUSPENDED ? 'LICENSE_DISPUTED' : 'LICENSE_NOT_ACTIVE',
        `This license is ${license?.status ?? 'unknown'}; its downloads are closed`,
      );
    }
    return claims;
  }

  read(claims: DownloadClaims, range?: ByteRange): Promise<Readable> {
    return this.storage.read(claims.storageKey, range);
  }

  /**
   * One row per download served (whole or range). A whole download, or a range from byte 0,
   * is a new download for the product's count (product.downloaded, with the row); the later
   * ranges of a resumed download are not.
   */
  async record(claims: DownloadClaims, bytes: number, range: ByteRange | null, requestId: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const [row] = await queryRows<{ id: string; productId: string }>(
        manager,
        `INSERT INTO downloads (license_id, version, bytes, range) VALUES ($1, $2, $3, $4)
         RETURNING id::text AS id, (SELECT product_id FROM licenses WHERE id = $1) AS "productId"`,
        [claims.lid, claims.version, bytes, range ? `${range.start}-${range.end}` : null],
      );
      if (range === null || range.start === 0)
        await this.outbox.record(
          manager,
          Events.ProductDownloaded,
          { productId: row.productId, licenseId: claims.lid, downloadId: row.id, version: claims.version },
          { aggregateId: row.productId, correlationId: requestId },
        );
    });
  }
}

/** `<product-name>-<version>` in safe characters, for `content-disposition`. */
function fileName(productName: string | null, version: string): string {
  const safe = (text: string) =>
    text
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '');
  return `${safe(productName ?? '') || 'artifact'}-${safe(version) || 'build'}`;
}
