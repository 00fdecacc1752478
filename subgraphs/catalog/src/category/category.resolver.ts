import { AssumedListSize, ListSize, type RequestContext } from '@marketplace/kit';
import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { CategoryArgs } from './category.args';
import { Category } from './category.entity';
import { CategoryService } from './category.service';

@Resolver(() => Category)
export class CategoryResolver {
  constructor(private readonly categoryService: CategoryService) {}

  @ListSize(AssumedListSize.categories)
  @Query(() => [Category], {
    description: 'The top-level categories, in display order; each lists its children. Errors: none.',
  })
  categories(@Ctx() context: RequestContext): Promise<Category[]> {
    return this.categoryService.roots(context);
  }

  @Query(() => Category, {
    nullable: true,
    description: 'One category by slug (case and surrounding spaces ignored); null when there is none. Errors: none.',
  })
  categoryBySlug(@Args() { slug }: CategoryArgs, @Ctx() context: RequestContext): Promise<Category | null> {
    return this.categoryService.bySlug(context, slug);
  }

  @FieldResolver(() => Category, {
    nullable: true,
    description: 'The category this one belongs to; null for a top-level category.',
  })
  parent(@Root() category: Category, @Ctx() context: RequestContext): Promise<Category | null> | null {
    return category.parentId ? this.categoryService.byId(context).load(category.parentId) : null;
  }

  @ListSize(AssumedListSize.categories)
  @FieldResolver(() => [Category], { description: 'Sub-categories, in display order.' })
  children(@Root() category: Category, @Ctx() context: RequestContext): Promise<Category[]> {
    return this.categoryService.childrenOf(context).load(category.id);
  }
}
