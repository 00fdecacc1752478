import {
  LicensePolicy,
  RequestContext,
  alignToKeys,
  badInput,
  conflict,
  defineLoader,
  forbidden,
  isUuid,
  notYours,
  queryRows,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { CacheCodec, StorefrontCache, withDates } from '../cache/storefront-cache';
import { VendorStatus } from '../vendor-replica/vendor-replica.entity';
import type { VendorReplicaService } from '../vendor-replica/vendor-replica.service';
import { canManage, canReference, canView, isOwner } from './product.access';
import { Product, ProductStatus } from './product.entity';
import type { ProductEvents } from './product.events';
import { CreateProductInput, UpdateProductInput } from './product.inputs';
import { EDITABLE_STATUSES, ProductStore } from './product.store';
import { ProductInputCheck, slugify } from './product.validation';
import { wishlisterIds } from '../wishlist/wishlist.store';

/** A product as the storefront cache stores it (its dates come back as Dates). */
export const PRODUCT_CODEC = withDates(
  () => new Product(),
  ['createdAt', 'updatedAt', 'publishedAt', 'submittedAt', 'artifactUploadedAt'],
);
type SlugEntry = { id: string; published: boolean };
const SLUG_CODEC: CacheCodec<SlugEntry> = { encode: (entry) => entry, decode: (raw: SlugEntry) => raw };

/** Reading one product, creating and editing products. Status changes live in ProductWorkflowService. */
export class ProductService {
  constructor(
    private readonly db: DataSource,
    private readonly store: ProductStore,
    private readonly vendors: VendorReplicaService,
    private readonly events: ProductEvents,
    private readonly cache?: StorefrontCache,
  ) {}

  /**
   * Products by id, one SQL statement per request tick (entity references land here).
   * Anonymous viewers read through the storefront cache (one round trip for the batch).
   */
  readonly byId = defineLoader<string, Product | null>(async (keys, context) => {
    const ids = [...new Set(keys.filter(isUuid))];
    const rows = this.cached(context)
      ? await this.cache!.readMany(
          ids.map((id) => ({ name: 'product', productId: id })),
          PRODUCT_CODEC,
          async (missing) => {
            const found = await this.store.findByIds(missing.map((i) => ids[i]));
            return alignToKeys(
              missing.map((i) => ids[i]),
              found,
              (product) => product.id,
            );
          },
        )
      : await this.store.findByIds(ids);
    return alignToKeys(
      keys,
      rows.filter((row): row is Product => row !== null),
      (product) => product.id,
    );
  });

  /** `product(id)`: null for a product that is missing or that the viewer may not see; a malformed id is bad input. */
  async byIdFor(context: RequestContext, id: string): Promise<Product | null> {
    if (!isUuid(id)) throw badInput([{ field: 'id', message: 'is not a valid id' }]);
    const product = await this.byId(context).load(id);
    return product && canView(context.viewer, product) ? product : null;
  }

  /** `productBySlug(slug)`: case and surrounding spaces ignored; null like `product(id)`. */
  async bySlugFor(context: RequestContext, slug: string): Promise<Product | null> {
    const product = await this.bySlug(context, slug.trim().toLowerCase());
    return product && canView(context.viewer, product) ? product : null;
  }

  /**
   * A slug names one product for good once it was published, so anonymous lookups cache
   * slug → id for published products only (a draft's slug may still move to another).
   */
  private async bySlug(context: RequestContext, slug: string): Promise<Product | null> {
    if (!this.cached(context)) return this.store.findBySlug(slug);
    const found = await this.cache!.read(
      { name: `slug:${slug}` },
      SLUG_CODEC,
      async () => {
        const product = await this.store.findBySlug(slug);
        return product ? { id: product.id, published: product.publishedAt !== null } : null;
      },
      (entry) => entry.published,
    );
    return found ? this.byId(context).load(found.id) : null;
  }

  /** Only anonymous viewers read the cache: owners and admins see more of a product. */
  private cached(context: RequestContext): boolean {
    return context.viewer === null && this.cache?.enabled === true;
  }

  /** `_entities`: products that were ever published, and everything of one's own. */
  async reference(context: RequestContext, id: string): Promise<Product | null> {
    const product = await this.byId(context).load(id);
    return product && canReference(context.viewer, product) ? product : null;
  }

  canSeePrivateFields(context: RequestContext, product: Product): boolean {
    return canManage(context.viewer, product);
  }

  /** A DRAFT of the viewer's own vendor, which must exist and not be suspended. */
  async create(context: RequestContext, input: CreateProductInput): Promise<Product> {
    requireViewer(context);
    const check = new ProductInputCheck();
    const name = check.name('input.name', input.name);
    const fields = {
      name,
      slug: slugify(name),
      description: check.description('input.description', input.description),
      kind: input.kind,
      price: check.price('input.price', input.price),
      tags: check.tags('input.tags', input.tags ?? []),
      categoryId: check.id('input.categoryId', input.categoryId),
      maxActivations:
        input.maxActivations === null || input.maxActivations === undefined
          ? LicensePolicy.defaultMaxActivations
          : check.maxActivations('input.maxActivations', input.maxActivations),
      requirements: check.details('input.requirements', input.requirements ?? []),
      compatibility: check.details('input.compatibility', input.compatibility ?? []),
    };
    return this.db.transaction(async (manager) => {
      const vendor = await this.vendors.requireSellingVendor(context, manager);
      await this.checkCategory(manager, check, 'input.categoryId', fields.categoryId);
      check.done();
      const product = await this.store.insert(manager, {
        vendorId: vendor.id,
        categoryId: fields.categoryId,
        slug: fields.slug,
        name: fields.name,
        description: fields.description,
        kind: fields.kind,
        priceAmount: fields.price.amount,
        priceCurrency: fields.price.currency,
        tags: fields.tags,
        maxActivations: fields.maxActivations,
        requirements: fields.requirements,
        compatibility: fields.compatibility,
      });
      context.log.info({ productId: product.id, vendorId: vendor.id }, 'product created');
      return product;
    });
  }

  /**
   * The owner's changes. The slug follows the name until the product is first published
   * (then links must keep working). A published product's change reaches other subgraphs
   * as `product.updated`.
   */
  async update(context: RequestContext, input: UpdateProductInput): Promise<Product> {
    const viewer = requireViewer(context);
    const check = new ProductInputCheck();
    const id = check.id('input.productId', input.productId);
    const given = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;
    const changes = {
      name: given(input.name) ? check.name('input.name', input.name) : undefined,
      // Omitted keeps the description; null (or "") clears it.
      description:
        input.description === undefined ? undefined : check.description('input.description', input.description),
      kind: input.kind ?? undefined,
      price: given(input.price) ? check.price('input.price', input.price) : undefined,
      tags: given(input.tags) ? check.tags('input.tags', input.tags) : undefined,
      categoryId: given(input.categoryId) ? check.id('input.categoryId', input.categoryId) : undefined,
      maxActivations: given(input.maxActivations)
        ? check.maxActivations('input.maxActivations', input.maxActivations)
        : undefined,
      requirements: given(input.requirements) ? check.details('input.requirements', input.requirements) : undefined,
      compatibility: given(input.compatibility) ? check.details('input.compatibility', input.compatibility) : undefined,
    };
    if (!isUuid(id)) check.done();
    return this.db.transaction(async (manager) => {
      const product = await this.store.lock(manager, id);
      if (!isOwner(viewer, product))
        throw notYours('Product', canView(viewer, product), "Only the product's vendor can edit it");
      const vendor = await this.vendors.lockShared(manager, product.vendorId);
      if (vendor?.status !== VendorStatus.ACTIVE)
        throw forbidden('Your vendor account is suspended', 'VENDOR_SUSPENDED');
      if (!EDITABLE_STATUSES.includes(product.status))
        throw conflict(`A product that is ${product.status} cannot be edited`, 'PRODUCT_ARCHIVED');
      if (changes.categoryId !== undefined)
        await this.checkCategory(manager, check, 'input.categoryId', changes.categoryId);
      check.done();
      const before = JSON.stringify(editableState(product));
      if (changes.name !== undefined) {
        product.name = changes.name;
        if (product.publishedAt === null) product.slug = slugify(changes.name);
      }
      if (changes.description !== undefined) product.description = changes.description;
      if (changes.kind !== undefined) product.kind = changes.kind;
      const previousPrice = { amount: product.priceAmount, currency: product.priceCurrency };
      if (changes.price !== undefined)
        Object.assign(product, { priceAmount: changes.price.amount, priceCurrency: changes.price.currency });
      if (changes.tags !== undefined) product.tags = changes.tags;
      if (changes.categoryId !== undefined) product.categoryId = changes.categoryId;
      if (changes.maxActivations !== undefined) product.maxActivations = changes.maxActivations;
      if (changes.requirements !== undefined) product.requirements = changes.requirements;
      if (changes.compatibility !== undefined) product.compatibility = changes.compatibility;
      // Nothing changed: no new revision, no event.
      if (JSON.stringify(editableState(product)) === before) return product;
      const saved = await this.store.save(manager, product);
      if (saved.status === ProductStatus.PUBLISHED) {
        await this.events.updated(manager, context, saved);
        // In this transaction, under the product's row lock: a drop is told once, to the wishlists as they are now.
        if (saved.priceCurrency === previousPrice.currency && saved.priceAmount < previousPrice.amount)
          await this.events.priceDropped(
            manager,
            context,
            saved,
            previousPrice,
            await wishlisterIds(manager, saved.id),
          );
      }
      context.log.info({ productId: saved.id, revision: saved.revision }, 'product updated');
      return saved;
    });
  }

  private async checkCategory(
    manager: EntityManager,
    check: ProductInputCheck,
    field: string,
    categoryId: string,
  ): Promise<void> {
    if (!isUuid(categoryId)) return; // already reported
    // A share lock until commit: archiving the category (which locks it for update, then
    // counts its products) waits for this product, or this product sees it archived.
    const [row] = await queryRows<{ archived: boolean }>(
      manager,
      `SELECT archived_at IS NOT NULL AS archived FROM categories WHERE id = $1 FOR SHARE`,
      [categoryId],
    );
    if (!row) check.add(field, 'is not a category');
    else if (row.archived) check.add(field, 'is an archived category');
  }
}

function editableState(product: Product) {
  const { slug, name, description, kind, priceAmount, priceCurrency, tags, categoryId, maxActivations } = product;
  const { requirements, compatibility } = product;
  return {
    ...{ slug, name, description, kind, priceAmount, priceCurrency, tags, categoryId, maxActivations },
    ...{ requirements, compatibility },
  };
}
