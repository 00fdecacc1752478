import { ListSize, RequestContext } from '@marketplace/kit';
import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Category } from '../category/category.entity';
import type { CategoryService } from '../category/category.service';
import { Vendor } from '../entity-stubs';
import { Product } from '../product/product.entity';
import type { ProductService } from '../product/product.service';
import { SUGGESTIONS_MAX, SearchSuggestionsArgs } from './search-suggestion.args';
import type { SearchSuggestionService } from './search-suggestion.service';
import { SearchSuggestion, SearchSuggestionKind } from './search-suggestion.type';

@Resolver(() => SearchSuggestion)
export class SearchSuggestionResolver {
  constructor(
    private readonly suggestions: SearchSuggestionService,
    private readonly products: ProductService,
    private readonly categories: CategoryService,
  ) {}

  @ListSize(SUGGESTIONS_MAX)
  @Query(() => [SearchSuggestion], {
    description:
      'Products in the storefront, categories and active vendors whose name matches what a shopper is typing (a word starting with it, or close to it: small typos are forgiven), best first; empty under 2 characters. Errors: BAD_USER_INPUT.',
  })
  searchSuggestions(
    @Args() { prefix, first }: SearchSuggestionsArgs,
    @Ctx() context: RequestContext,
  ): Promise<SearchSuggestion[]> {
    return this.suggestions.suggest(context, prefix, first);
  }

  @FieldResolver(() => Product, { nullable: true, description: 'The product, for a PRODUCT suggestion; else null.' })
  product(@Root() suggestion: SearchSuggestion, @Ctx() context: RequestContext): Promise<Product | null> | null {
    return suggestion.kind === SearchSuggestionKind.PRODUCT ? this.products.byIdFor(context, suggestion.id) : null;
  }

  @FieldResolver(() => Category, { nullable: true, description: 'The category, for a CATEGORY suggestion; else null.' })
  category(@Root() suggestion: SearchSuggestion, @Ctx() context: RequestContext): Promise<Category> | null {
    return suggestion.kind === SearchSuggestionKind.CATEGORY ? this.categories.get(context, suggestion.id) : null;
  }

  @FieldResolver(() => Vendor, { nullable: true, description: 'The vendor, for a VENDOR suggestion; else null.' })
  vendor(@Root() suggestion: SearchSuggestion): Vendor | null {
    return suggestion.kind === SearchSuggestionKind.VENDOR ? Vendor.of(suggestion.id) : null;
  }
}
