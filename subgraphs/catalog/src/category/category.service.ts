import { RequestContext, alignToKeys, defineLoader, isUuid, notFound } from '@marketplace/kit';
import { DataSource, In, IsNull } from 'typeorm';
import { CacheCodec, StorefrontCache } from '../cache/storefront-cache';
import { Category } from './category.entity';

const ORDER = { position: 'ASC', name: 'ASC' } as const;
const TREE_CODEC: CacheCodec<Category[]> = {
  encode: (tree) => tree,
  decode: (raw: object[]) => raw.map((row) => Object.assign(new Category(), row)),
};

/** The tree lists categories in use; archived ones are still found by id (an archived product keeps its category). */
const LIVE = { archivedAt: IsNull() } as const;

/**
 * Reading the category tree (CategoryAdminService changes it). Anonymous viewers get the
 * live tree from the storefront cache, once per request; signed-in viewers read the
 * database, one statement per level.
 */
export class CategoryService {
  constructor(
    private readonly db: DataSource,
    private readonly cache?: StorefrontCache,
  ) {}

  /** Categories by id, one query per request tick. */
  readonly byId = defineLoader<string, Category | null>(async (ids, context) => {
    const tree = await this.tree(context);
    if (tree) return alignToKeys(ids, tree, (category) => category.id);
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await this.db.getRepository(Category).findBy({ id: In(valid) }) : [];
    return alignToKeys(ids, rows, (category) => category.id);
  });

  /** Children of many parents, one query per request tick. */
  readonly childrenOf = defineLoader<string, Category[]>(async (parentIds, context) => {
    const rows =
      (await this.tree(context)) ??
      (await this.db.getRepository(Category).find({ where: { parentId: In([...parentIds]), ...LIVE }, order: ORDER }));
    return parentIds.map((id) => rows.filter((row) => row.parentId === id));
  });

  async roots(context: RequestContext): Promise<Category[]> {
    const tree = await this.tree(context);
    return tree
      ? tree.filter((category) => category.parentId === null)
      : this.db.getRepository(Category).find({ where: { parentId: IsNull(), ...LIVE }, order: ORDER });
  }

  /** Null when there is none. */
  async bySlug(context: RequestContext, slug: string): Promise<Category | null> {
    const wanted = slug.trim().toLowerCase();
    const tree = await this.tree(context);
    const category = tree
      ? tree.find((candidate) => candidate.slug === wanted)
      : await this.db.getRepository(Category).findOneBy({ slug: wanted, ...LIVE });
    return category ?? null;
  }

  async get(context: RequestContext, id: string): Promise<Category> {
    const category = await this.byId(context).load(id);
    if (!category) throw notFound('Category');
    return category;
  }

  /** The live tree (archived categories left out), in display order, for anonymous viewers; null for signed-in ones. */
  private async tree(context: RequestContext): Promise<Category[] | null> {
    if (context.viewer !== null || !this.cache?.enabled) return null;
    return this.treeLoader(context).load('tree');
  }

  private readonly treeLoader = defineLoader<string, Category[]>(async (keys) => {
    const tree = await this.cache!.read({ name: 'categories' }, TREE_CODEC, () =>
      this.db.getRepository(Category).find({ where: LIVE, order: ORDER }),
    );
    return keys.map(() => tree ?? []);
  });
}
