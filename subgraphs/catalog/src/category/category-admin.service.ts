import {
  Outbox,
  RequestContext,
  Role,
  conflict,
  forbidden,
  isUniqueViolation,
  notFound,
  queryRows,
  recordAudit,
  requestOrigin,
  requireViewer,
  lockNameForTransaction,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { Category } from './category.entity';
import { ArchiveCategoryInput, CreateCategoryInput, MoveCategoryInput, RenameCategoryInput } from './category.inputs';
import { CATEGORY_MAX_DEPTH, CategoryInputCheck, categorySlugFrom } from './category.validation';

/** Every tree change takes this transaction-scoped advisory lock first: changes of the tree apply one at a time. */
const TREE_LOCK = 'catalog:category-tree';

/**
 * Admin changes of the category tree: create, rename, move, archive. Each runs in one
 * transaction that first takes the tree's advisory lock, so two moves can never each check
 * "no cycle" against a tree the other is about to change; each records its audit entry and
 * supersedes the storefront cache (which holds the tree) once it commits.
 */
export class CategoryAdminService {
  constructor(
    private readonly db: DataSource,
    private readonly outbox: Outbox,
    /** Told of every committed tree change, inside its transaction (the storefront cache holds the tree). */
    private readonly onTreeChanged: (manager: EntityManager) => void = () => undefined,
  ) {}

  async create(context: RequestContext, input: CreateCategoryInput): Promise<Category> {
    requireAdmin(context);
    const check = new CategoryInputCheck();
    const name = check.name('input.name', input.name);
    const slug =
      input.slug === null || input.slug === undefined ? categorySlugFrom(name) : check.slug('input.slug', input.slug);
    if (!check.has('input.name') && slug === '' && (input.slug === null || input.slug === undefined))
      check.add('input.slug', 'cannot be derived from the name; give one');
    const description = check.description('input.description', input.description);
    const parentId = input.parentCategoryId ?? null;
    if (parentId !== null) check.id('input.parentCategoryId', parentId);
    check.done();
    return this.change(
      async (manager) => {
        const depth =
          parentId === null ? 0 : (await this.liveParent(manager, parentId, 'input.parentCategoryId')).depth;
        if (depth + 1 > CATEGORY_MAX_DEPTH) throw tooDeep('input.parentCategoryId');
        const [{ id }] = await queryRows<{ id: string }>(
          manager,
          `INSERT INTO categories (slug, name, description, parent_id, position)
         VALUES ($1, $2, $3, $4::uuid,
                 (SELECT coalesce(max(position) + 1, 0) FROM categories WHERE parent_id IS NOT DISTINCT FROM $4::uuid))
         RETURNING id`,
          [slug, name, description, parentId],
        );
        const category = await this.read(manager, id);
        await this.audit(manager, context, 'CATEGORY_CREATED', id, null, snapshot(category));
        return category;
      },
      input.slug == null ? 'input.name' : 'input.slug',
    );
  }

  async rename(context: RequestContext, input: RenameCategoryInput): Promise<Category> {
    requireAdmin(context);
    const check = new CategoryInputCheck();
    const id = check.id('input.categoryId', input.categoryId);
    const name = input.name == null ? undefined : check.name('input.name', input.name);
    const slug = input.slug == null ? undefined : check.slug('input.slug', input.slug);
    if (name === undefined && slug === undefined) check.add('input', 'must change the name, the slug or both');
    check.done();
    return this.change(async (manager) => {
      const category = await this.lockLive(manager, id);
      const before = { name: category.name, slug: category.slug };
      const after = { name: name ?? category.name, slug: slug ?? category.slug };
      if (before.name === after.name && before.slug === after.slug) return category;
      await manager.query(`UPDATE categories SET name = $2, slug = $3 WHERE id = $1`, [id, after.name, after.slug]);
      await this.audit(manager, context, 'CATEGORY_RENAMED', id, before, after);
      return Object.assign(category, after);
    });
  }

  /** Moves a category (with its sub-categories) under another parent or to the top level, at the end of its new siblings. */
  async move(
    context: RequestContext,
    input: MoveCategoryInput,
  ): Promise<{ category: Category; previousParentId: string | null }> {
    requireAdmin(context);
    const check = new CategoryInputCheck();
    const id = check.id('input.categoryId', input.categoryId);
    const parentId = input.parentCategoryId ?? null;
    if (parentId !== null) check.id('input.parentCategoryId', parentId);
    check.done();
    return this.change(async (manager) => {
      const category = await this.lockLive(manager, id);
      const previousParentId = category.parentId;
      if (previousParentId === parentId) return { category, previousParentId };
      if (parentId !== null) {
        const parent = await this.liveParent(manager, parentId, 'input.parentCategoryId');
        if (parent.ancestors.includes(id))
          throw conflict('A category cannot move under itself or one of its sub-categories', 'CATEGORY_CYCLE', [
            { field: 'input.parentCategoryId', message: 'is the category itself or one of its sub-categories' },
          ]);
        if (parent.depth + (await this.height(manager, id)) > CATEGORY_MAX_DEPTH)
          throw tooDeep('input.parentCategoryId');
      }
      const [{ position }] = await queryRows<{ position: number }>(
        manager,
        `UPDATE categories SET parent_id = $2::uuid,
                position = (SELECT coalesce(max(position) + 1, 0) FROM categories WHERE parent_id IS NOT DISTINCT FROM $2::uuid)
          WHERE id = $1 RETURNING position`,
        [id, parentId],
      );
      await this.audit(
        manager,
        context,
        'CATEGORY_MOVED',
        id,
        { parentId: previousParentId, position: category.position },
        { parentId, position },
      );
      return { category: Object.assign(category, { parentId, position }), previousParentId };
    });
  }

  /**
   * Archives an empty category. Locking its row first orders this against product writes,
   * which take a share lock on the category they assign: a product assigned before commits
   * first and is counted here; one assigned after sees the category archived and is refused.
   */
  async archive(context: RequestContext, input: ArchiveCategoryInput): Promise<Category> {
    requireAdmin(context);
    const check = new CategoryInputCheck();
    const id = check.id('input.categoryId', input.categoryId);
    check.done();
    return this.change(async (manager) => {
      const category = await this.lockLive(manager, id);
      const [{ products, children }] = await queryRows<{ products: number; children: number }>(
        manager,
        `SELECT (SELECT count(*)::int FROM products WHERE category_id = $1 AND status <> 'ARCHIVED') AS products,
                (SELECT count(*)::int FROM categories WHERE parent_id = $1 AND archived_at IS NULL) AS children`,
        [id],
      );
      if (products > 0 || children > 0) {
        const held = [
          products > 0 ? `${products} product${products === 1 ? '' : 's'}` : null,
          children > 0 ? `${children} sub-categor${children === 1 ? 'y' : 'ies'}` : null,
        ].filter((part): part is string => part !== null);
        throw conflict(
          `The category still holds ${held.join(' and ')}; move them to another category first`,
          'CATEGORY_NOT_EMPTY',
          [{ field: 'input.categoryId', message: `holds ${held.join(' and ')}` }],
        );
      }
      const [{ archivedAt }] = await queryRows<{ archivedAt: Date }>(
        manager,
        `UPDATE categories SET archived_at = date_trunc('milliseconds', now()) WHERE id = $1 RETURNING archived_at AS "archivedAt"`,
        [id],
      );
      await this.audit(manager, context, 'CATEGORY_ARCHIVED', id, { archivedAt: null }, { archivedAt });
      return Object.assign(category, { archivedAt });
    });
  }

  /** One tree change: the tree lock, the work, the cache notice; a taken slug is a CONFLICT on `slugField`. */
  private async change<T>(work: (manager: EntityManager) => Promise<T>, slugField = 'input.slug'): Promise<T> {
    try {
      return await this.db.transaction(async (manager) => {
        await lockNameForTransaction(manager, TREE_LOCK);
        const result = await work(manager);
        this.onTreeChanged(manager);
        return result;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'categories_slug_key'))
        throw conflict('Another category has this slug', 'CATEGORY_SLUG_TAKEN', [
          { field: slugField, message: 'is taken by another category' },
        ]);
      throw error;
    }
  }

  private async read(manager: EntityManager, id: string): Promise<Category> {
    const category = await manager.getRepository(Category).findOneBy({ id });
    if (!category) throw notFound('Category');
    return category;
  }

  /** The category row, locked; NOT_FOUND when there is none, CONFLICT when archived. */
  private async lockLive(manager: EntityManager, id: string): Promise<Category> {
    const category = await manager
      .getRepository(Category)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!category) throw notFound('Category');
    if (category.archivedAt !== null) throw conflict('The category is archived', 'CATEGORY_ARCHIVED');
    return category;
  }

  /** A parent-to-be: its level (a root is 1) and its ancestors with itself; it must exist and not be archived. */
  private async liveParent(
    manager: EntityManager,
    id: string,
    field: string,
  ): Promise<{ depth: number; ancestors: string[] }> {
    const rows = await queryRows<{ id: string; archived: boolean }>(
      manager,
      `WITH RECURSIVE up AS (
         SELECT id, parent_id, archived_at IS NOT NULL AS archived, 1 AS step FROM categories WHERE id = $1
         UNION ALL
         SELECT c.id, c.parent_id, c.archived_at IS NOT NULL, up.step + 1 FROM categories c JOIN up ON c.id = up.parent_id
       )
       SELECT id, archived FROM up ORDER BY step`,
      [id],
    );
    if (rows.length === 0) throw notFound('Parent category');
    if (rows[0].archived)
      throw conflict('The parent category is archived', 'CATEGORY_ARCHIVED', [
        { field, message: 'is an archived category' },
      ]);
    return { depth: rows.length, ancestors: rows.map((row) => row.id) };
  }

  /** Levels of the subtree under (and with) a category: 1 for a leaf. */
  private async height(manager: EntityManager, id: string): Promise<number> {
    const [{ height }] = await queryRows<{ height: number }>(
      manager,
      `WITH RECURSIVE down AS (
         SELECT id, 1 AS level FROM categories WHERE id = $1
         UNION ALL
         SELECT c.id, down.level + 1 FROM categories c JOIN down ON c.parent_id = down.id WHERE c.archived_at IS NULL
       )
       SELECT max(level)::int AS height FROM down`,
      [id],
    );
    return height;
  }

  private audit(
    manager: EntityManager,
    context: RequestContext,
    action: 'CATEGORY_CREATED' | 'CATEGORY_RENAMED' | 'CATEGORY_MOVED' | 'CATEGORY_ARCHIVED',
    categoryId: string,
    before: Record<string, unknown> | null,
    after: Record<string, unknown>,
  ): Promise<void> {
    return recordAudit(manager, this.outbox, requestOrigin(context), {
      action,
      targetType: 'Category',
      targetId: categoryId,
      before,
      after,
    });
  }
}

function requireAdmin(context: RequestContext): void {
  if (requireViewer(context).role !== Role.ADMIN) throw forbidden();
}

function tooDeep(field: string) {
  return conflict(`The category tree is at most ${CATEGORY_MAX_DEPTH} levels deep`, 'CATEGORY_TOO_DEEP', [
    { field, message: `would put a category below level ${CATEGORY_MAX_DEPTH}` },
  ]);
}

function snapshot(category: Category) {
  const { name, slug, description, parentId, position } = category;
  return { name, slug, description, parentId, position };
}
