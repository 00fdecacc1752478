import { RequestContext, alignToKeys, defineLoader, notFound } from '@marketplace/kit';
import { DataSource, In, IsNull } from 'typeorm';
import { isUuid } from '../product/product.validation';
import { Category } from './category.entity';

const ORDER = { position: 'ASC', name: 'ASC' } as const;

/** The category tree: read-only here (a migration creates it). */
export class CategoryService {
  constructor(private readonly db: DataSource) {}

  /** Categories by id, one query per request tick. */
  readonly byId = defineLoader<string, Category | null>(async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await this.db.getRepository(Category).findBy({ id: In(valid) }) : [];
    return alignToKeys(ids, rows, (category) => category.id);
  });

  /** Children of many parents, one query per request tick. */
  readonly childrenOf = defineLoader<string, Category[]>(async (parentIds) => {
    const rows = await this.db.getRepository(Category).find({ where: { parentId: In([...parentIds]) }, order: ORDER });
    return parentIds.map((id) => rows.filter((row) => row.parentId === id));
  });

  roots(): Promise<Category[]> {
    return this.db.getRepository(Category).find({ where: { parentId: IsNull() }, order: ORDER });
  }

  async bySlug(_context: RequestContext, slug: string): Promise<Category> {
    const category = await this.db.getRepository(Category).findOneBy({ slug: slug.trim().toLowerCase() });
    if (!category) throw notFound('Category');
    return category;
  }

  async get(context: RequestContext, id: string): Promise<Category> {
    const category = await this.byId(context).load(id);
    if (!category) throw notFound('Category');
    return category;
  }
}
