import type { ReferenceResolvers } from '@marketplace/kit';
import type { CategoryService } from './category.service';

/** `Category` entities (public, like the whole tree), loaded on the request's category loader. */
export const categoryReferences = (categories: CategoryService): ReferenceResolvers => ({
  Category: {
    __resolveReference: (reference: { id: string }, context) => categories.byId(context).load(reference.id),
  },
});
