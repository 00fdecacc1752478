import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum SearchSuggestionKind {
  PRODUCT = 'PRODUCT',
  CATEGORY = 'CATEGORY',
  VENDOR = 'VENDOR',
}

registerEnumType(SearchSuggestionKind, {
  name: 'SearchSuggestionKind',
  description: 'What a search suggestion leads to.',
  valuesConfig: {
    PRODUCT: { description: 'A product in the storefront: `product` is set.' },
    CATEGORY: { description: 'A category: `category` is set.' },
    VENDOR: { description: 'An active vendor: `vendor` is set.' },
  },
});

@ObjectType({ description: 'One completion of what a shopper is typing: a product, a category or a vendor.' })
export class SearchSuggestion {
  @Field(() => SearchSuggestionKind, {
    description: 'What it leads to; the field of that name is set, the others are null.',
  })
  kind: SearchSuggestionKind;

  @Field({ description: "The text to show: the product's, category's or vendor's name." })
  text: string;

  /** The product, category or vendor suggested; each field resolver answers only its own kind. */
  id: string;
}
