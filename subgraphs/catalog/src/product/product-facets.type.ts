import { ListSize, Money } from '@marketplace/kit';
import { Field, Int, ObjectType } from 'type-graphql';
import { ProductKind } from './product.entity';

/** Categories and vendors listed per facet: the ones with the most products. */
export const FACET_TOP = 20;
/** Seven bands in each of the three currencies. */
const PRICE_BANDS_MAX = 21;

/** Products per category (the category resolved by its own field). */
@ObjectType({
  description: 'How many products of the current list are in one category (its own, not its sub-categories).',
})
export class CategoryFacet {
  /** Resolved through the categories' per-request loader. */
  categoryId: string;

  @Field(() => Int, { description: 'Products of the list, counted without the category filter.' })
  productCount: number;
}

@ObjectType({ description: 'How many products of the current list are of one kind.' })
export class KindFacet {
  @Field(() => ProductKind, { description: 'The kind.' })
  kind: ProductKind;

  @Field(() => Int, { description: 'Products of the list, counted without the kind filter.' })
  productCount: number;
}

@ObjectType({ description: 'How many products of the current list are priced within one band of one currency.' })
export class PriceBandFacet {
  @Field(() => Money, { description: 'The lowest price of the band (included).' })
  min: Money;

  @Field(() => Money, {
    nullable: true,
    description: 'The price the band ends below (excluded); null for the top band.',
  })
  max: Money | null;

  @Field(() => Int, { description: 'Products of the list, counted without the price filters.' })
  productCount: number;
}

@ObjectType({ description: 'How many products of the current list are rated at least so many stars.' })
export class RatingBandFacet {
  @Field(() => Int, {
    description: 'The floor, 1 to 4: products rated this or better (bands overlap, as "4 stars & up").',
  })
  minRating: number;

  @Field(() => Int, { description: 'Products of the list, counted without the rating filter.' })
  productCount: number;
}

@ObjectType({ description: 'How many products of the current list one vendor sells.' })
export class VendorFacet {
  /** Resolved as a reference to the vendor subgraph. */
  vendorId: string;

  @Field(() => Int, { description: 'Products of the list, counted without the vendor filter.' })
  productCount: number;
}

@ObjectType({
  description:
    "Counts that narrow the current product list. Each facet is counted with every other filter of the list applied but not its own, so a shopper can switch within a facet (another category, another kind) and see what each choice would give. Unpublished products and suspended vendors' products are never counted.",
})
export class ProductFacets {
  @ListSize(FACET_TOP)
  @Field(() => [CategoryFacet], { description: 'The categories with the most products, at most 20, most first.' })
  categories: CategoryFacet[];

  @ListSize(3)
  @Field(() => [KindFacet], { description: 'Every kind with at least one product, most first.' })
  kinds: KindFacet[];

  @ListSize(PRICE_BANDS_MAX)
  @Field(() => [PriceBandFacet], {
    description:
      'Fixed price bands per currency (below 5, 5–10, 10–25, 25–50, 50–100, 100–250, 250 and up, in major units), those with at least one product, by currency then price. With `filter.currency` (or a price bound) only that currency.',
  })
  priceBands: PriceBandFacet[];

  @ListSize(4)
  @Field(() => [RatingBandFacet], { description: '4, 3, 2 and 1 stars & up, in that order (zero counts included).' })
  ratingBands: RatingBandFacet[];

  @ListSize(FACET_TOP)
  @Field(() => [VendorFacet], { description: 'The vendors with the most products, at most 20, most first.' })
  vendors: VendorFacet[];
}

/** What `ProductFacets` is built from, as cached: plain JSON. */
export interface FacetCounts {
  categories: { categoryId: string; productCount: number }[];
  kinds: { kind: ProductKind; productCount: number }[];
  priceBands: { currency: string; min: number; max: number | null; productCount: number }[];
  ratingBands: { minRating: number; productCount: number }[];
  vendors: { vendorId: string; productCount: number }[];
}
