import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  Events,
  Logger,
  ObjectStorage,
  ObjectTooLargeError,
  Outbox,
  RequestContext,
  RouteRefusal,
  asRouteRefusal,
  UrlTokenSigner,
  conflict,
  forbidden,
  isUniqueViolation,
  isUuid,
  notFound,
  queryRows,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { StorefrontCache } from '../cache/storefront-cache';
import type { CatalogConfig } from '../config';
import { canView, isOwner } from '../product/product.access';
import { Product, ProductStatus } from '../product/product.entity';
import type { ProductStore } from '../product/product.store';
import { VendorStatus } from '../vendor-replica/vendor-replica.entity';
import { ArtifactUpload } from './artifact.type';
import { ArtifactInputCheck, isVersion } from './artifact.validation';

export const UPLOAD_PURPOSE = 'artifact-upload';

/** What downloads are served as when the upload did not say (or said something unusable). */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** A `type/subtype` media type without parameters, as the uploader declared it. */
export function contentTypeOf(header: string | undefined): string {
  const type = header?.split(';')[0].trim().toLowerCase() ?? '';
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/.test(type) ? type : DEFAULT_CONTENT_TYPE;
}

/** What an upload URL's token carries: which product, which version, and its own id (single use). */
export interface UploadClaims {
  id: string;
  productId: string;
  version: string;
  /** The vendor's user who asked for the URL. */
  by: string;
}

/** Why an upload was refused, as the HTTP status and error code the route answers. */
export class UploadRefused extends RouteRefusal {}

export interface StoredArtifact {
  sha256: string;
  size: number;
  version: string;
}

/**
 * Artifact uploads: the product's vendor asks for a signed, single-use URL; the bytes are
 * PUT to it (REST edge) and streamed into object storage; the artifact is recorded on the
 * product in the transaction that uses the token up. Earlier builds stay stored.
 */
export class ArtifactService {
  constructor(
    private readonly db: DataSource,
    private readonly products: ProductStore,
    private readonly storage: ObjectStorage,
    private readonly signer: UrlTokenSigner,
    private readonly settings: Pick<CatalogConfig, 'publicUrl' | 'artifacts'>,
    private readonly cache?: StorefrontCache,
    /** Records product.artifact_uploaded with the upload's commit (licensing serves the build from the shared storage). */
    private readonly outbox?: Outbox,
  ) {}

  get maxBytes(): number {
    return this.settings.artifacts.maxBytes;
  }

  /** The owner (active vendor, product not archived) gets a URL for one version not uploaded before. */
  async createUpload(
    context: RequestContext,
    productId: string,
    rawVersion: string,
  ): Promise<{ upload: ArtifactUpload; product: Product }> {
    const viewer = requireViewer(context);
    const check = new ArtifactInputCheck();
    if (!isUuid(productId)) check.add('input.productId', 'is not a valid id');
    const version = check.version('input.version', rawVersion);
    check.done();
    const [product] = await this.products.findByIds([productId]);
    if (!product || !canView(viewer, product)) throw notFound('Product');
    if (!isOwner(viewer, product)) throw forbidden("Only the product's vendor can upload its artifact");
    await this.expectUploadable(this.db.manager, product, version);
    const ttl = this.settings.artifacts.uploadTtlSeconds;
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + ttl) * 1000);
    const claims: UploadClaims = { id: randomUUID(), productId: product.id, version, by: viewer.id };
    const token = this.signer.sign(UPLOAD_PURPOSE, claims, ttl);
    context.log.info({ productId: product.id, version, uploadId: claims.id }, 'artifact upload URL issued');
    return {
      upload: { uploadUrl: `${this.settings.publicUrl}/uploads/${token}`, expiresAt, maxBytes: this.maxBytes },
      product,
    };
  }

  /** The token's claims, or refused (403) when it is forged, expired, for another purpose or malformed. */
  claimsOf(token: string): UploadClaims {
    const claims = this.signer.verify<UploadClaims>(UPLOAD_PURPOSE, token);
    if (
      !claims ||
      !isUuid(claims.id) ||
      !isUuid(claims.productId) ||
      !isUuid(claims.by) ||
      !isVersion(claims.version)
    ) {
      throw new UploadRefused(403, 'FORBIDDEN', 'This upload link is invalid or has expired');
    }
    return claims;
  }

  /** Checks everything that can be checked before the bytes arrive, so a doomed upload is refused at once. */
  async precheck(claims: UploadClaims): Promise<void> {
    const [product] = await this.products.findByIds([claims.productId]);
    if (!product) throw new UploadRefused(404, 'NOT_FOUND', 'Product not found');
    await asRouteRefusal(() => this.expectUploadable(this.db.manager, product, claims.version, claims.id));
  }

  /** Streams the body into storage, then records it; the loser of a race on one token deletes its copy. */
  async receive(
    claims: UploadClaims,
    body: Readable,
    log: Logger,
    contentType = DEFAULT_CONTENT_TYPE,
    requestId?: string,
  ): Promise<StoredArtifact> {
    const key = `products/${claims.productId}/${claims.version}/${randomUUID()}`;
    let stored: { sha256: string; size: number };
    try {
      stored = await this.storage.put(key, body, { maxBytes: this.maxBytes });
    } catch (error) {
      if (error instanceof ObjectTooLargeError)
        throw new UploadRefused(413, 'PAYLOAD_TOO_LARGE', `The artifact is larger than ${this.maxBytes} bytes`);
      throw error;
    }
    try {
      if (stored.size === 0) throw new UploadRefused(400, 'BAD_REQUEST', 'The artifact is empty');
      await asRouteRefusal(() => this.record(claims, key, stored, contentType, requestId ?? claims.id));
    } catch (error) {
      await this.storage
        .delete(key)
        .catch((cause) => log.warn({ err: cause, key }, 'could not delete a refused artifact'));
      throw error;
    }
    log.info(
      { productId: claims.productId, version: claims.version, size: stored.size, uploadId: claims.id },
      'artifact uploaded',
    );
    return { sha256: stored.sha256, size: stored.size, version: claims.version };
  }

  /** Uses the token up and makes the build the product's current artifact, in one transaction under the product's lock. */
  private async record(
    claims: UploadClaims,
    key: string,
    stored: { sha256: string; size: number },
    contentType: string,
    correlationId: string,
  ): Promise<void> {
    try {
      await this.db.transaction(async (manager) => {
        const product = await this.products.lock(manager, claims.productId);
        await this.expectUploadable(manager, product, claims.version, claims.id);
        const [row] = await queryRows<{ uploadedAt: Date }>(
          manager,
          `INSERT INTO artifacts (product_id, version, upload_id, object_key, sha256, size, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING uploaded_at AS "uploadedAt"`,
          [claims.productId, claims.version, claims.id, key, stored.sha256, stored.size, claims.by],
        );
        await manager.query(
          `UPDATE products SET artifact_version = $2, artifact_sha256 = $3, artifact_size = $4, artifact_uploaded_at = $5 WHERE id = $1`,
          [claims.productId, claims.version, stored.sha256, stored.size, row.uploadedAt],
        );
        this.cache?.productChanged(manager, claims.productId);
        await this.outbox?.record(
          manager,
          Events.ProductArtifactUploaded,
          {
            productId: claims.productId,
            vendorId: product.vendorId,
            version: claims.version,
            storageKey: key,
            sha256: stored.sha256,
            size: stored.size,
            contentType,
          },
          { aggregateId: claims.productId, correlationId },
        );
      });
    } catch (error) {
      // Two uploads with one token (or one version) raced: the first commit won.
      if (isUniqueViolation(error, 'artifacts_upload_id_key'))
        throw conflict('This upload link was already used', 'UPLOAD_LINK_USED');
      if (isUniqueViolation(error, 'artifacts_pkey'))
        throw conflict(`Version ${claims.version} was already uploaded`, 'VERSION_EXISTS');
      throw error;
    }
  }

  /** The vendor may sell, the product is not archived, the version (and the upload link) not used yet. */
  private async expectUploadable(
    manager: EntityManager,
    product: Product,
    version: string,
    uploadId?: string,
  ): Promise<void> {
    if (product.vendorStatus !== VendorStatus.ACTIVE)
      throw forbidden('Your vendor account is suspended', 'VENDOR_SUSPENDED');
    if (product.status === ProductStatus.ARCHIVED)
      throw conflict('An archived product takes no new artifacts', 'PRODUCT_ARCHIVED');
    const used = await queryRows<{ sameUpload: boolean }>(
      manager,
      `SELECT upload_id = $3 AS "sameUpload" FROM artifacts WHERE (product_id = $1 AND version = $2) OR upload_id = $3`,
      [product.id, version, uploadId ?? null],
    );
    if (used.some((row) => row.sameUpload)) throw conflict('This upload link was already used', 'UPLOAD_LINK_USED');
    if (used.length > 0)
      throw conflict(`Version ${version} was already uploaded`, 'VERSION_EXISTS', [
        { field: 'input.version', message: 'was already uploaded' },
      ]);
  }
}
