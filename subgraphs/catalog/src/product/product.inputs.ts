import { CurrencyCode, MoneyInput } from '@marketplace/kit';
import { Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { ProductKind, ProductStatus } from './product.entity';

export enum ProductSort {
  RELEVANCE = 'RELEVANCE',
  NEWEST = 'NEWEST',
  PRICE_ASC = 'PRICE_ASC',
  PRICE_DESC = 'PRICE_DESC',
  RATING = 'RATING',
  BEST_SELLING = 'BEST_SELLING',
}

registerEnumType(ProductSort, {
  name: 'ProductSort',
  description: 'Order of a product list.',
  valuesConfig: {
    RELEVANCE: {
      description:
        'Best match for `filter.search` first (name above tags above description); without a search, like NEWEST.',
    },
    NEWEST: { description: 'Most recently published first.' },
    PRICE_ASC: {
      description:
        'Grouped by currency (alphabetically), cheapest first within each: amounts of two currencies are never compared.',
    },
    PRICE_DESC: {
      description:
        'Grouped by currency (reverse alphabetically), most expensive first within each: amounts of two currencies are never compared.',
    },
    RATING: { description: 'Best rated first, then most reviewed.' },
    BEST_SELLING: { description: 'Most licenses sold first.' },
  },
});

@InputType({ description: 'A new product; it starts as a DRAFT.' })
export class CreateProductInput {
  @Field({ description: 'Display name, 1 to 120 characters; the slug is derived from it and must be unique.' })
  name: string;

  @Field(() => String, {
    nullable: true,
    description: 'What the product does, up to 10,000 characters; omitted, null or "" for none.',
  })
  description?: string | null;

  @Field(() => ProductKind, { description: 'Agent, workflow or tool.' })
  kind: ProductKind;

  @Field(() => MoneyInput, { description: 'Price per license: 0 to 10,000,000 minor units.' })
  price: MoneyInput;

  @Field(() => ID, { description: 'The category (any level of the tree).' })
  categoryId: string;

  @Field(() => [String], {
    nullable: true,
    description: 'Up to 10 keywords of 1 to 32 characters a-z, 0-9 and "-" (lower-cased).',
  })
  tags?: string[] | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Machines one license may be activated on at once, 1 to 1,000 (default 3).',
  })
  maxActivations?: number | null;

  @Field(() => [String], {
    nullable: true,
    description: 'What a buyer needs to run it: up to 20 lines of 1 to 200 characters (trimmed, duplicates dropped).',
  })
  requirements?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'What it works with: up to 20 lines of 1 to 200 characters (trimmed, duplicates dropped).',
  })
  compatibility?: string[] | null;
}

@InputType({
  description:
    'Changes to a product: an omitted field stays as it is; null clears `description` and keeps any other field.',
})
export class UpdateProductInput {
  @Field(() => ID, { description: 'The product to change (your own).' })
  productId: string;

  @Field(() => String, {
    nullable: true,
    description: 'New name. The slug follows it until the product is first published.',
  })
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'New description, up to 10,000 characters; null or "" removes it.',
  })
  description?: string | null;

  @Field(() => ProductKind, { nullable: true, description: 'New kind.' })
  kind?: ProductKind | null;

  @Field(() => MoneyInput, { nullable: true, description: 'New price: 0 to 10,000,000 minor units.' })
  price?: MoneyInput | null;

  @Field(() => ID, { nullable: true, description: 'New category.' })
  categoryId?: string | null;

  @Field(() => [String], { nullable: true, description: 'New tags (replace the old ones; [] removes them all).' })
  tags?: string[] | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'New license policy: machines one license may be activated on, 1 to 1,000 (licenses issued from now on).',
  })
  maxActivations?: number | null;

  @Field(() => [String], {
    nullable: true,
    description: 'New requirements (replace the old ones; [] removes them all): up to 20 lines of 1 to 200 characters.',
  })
  requirements?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'New compatibility list (replaces the old one; [] removes it): up to 20 lines of 1 to 200 characters.',
  })
  compatibility?: string[] | null;
}

@InputType({ description: "Narrows the storefront's product list; every given condition must hold." })
export class ProductFilter {
  @Field(() => String, {
    nullable: true,
    description:
      'Full-text search over name, tags and description, tolerant of typos; supports "quoted phrases", `or` and -exclusions. At most 200 characters.',
  })
  search?: string | null;

  @Field(() => String, { nullable: true, description: 'Only products in this category or any of its sub-categories.' })
  categorySlug?: string | null;

  @Field(() => ProductKind, { nullable: true, description: 'Only products of this kind.' })
  kind?: ProductKind | null;

  @Field(() => MoneyInput, {
    nullable: true,
    description:
      'Only products priced in its currency at this amount or more. Its currency must be that of `maxPrice` and `currency` when they are given.',
  })
  minPrice?: MoneyInput | null;

  @Field(() => MoneyInput, {
    nullable: true,
    description:
      'Only products priced in its currency at this amount or less. Its currency must be that of `minPrice` and `currency` when they are given.',
  })
  maxPrice?: MoneyInput | null;

  @Field(() => CurrencyCode, { nullable: true, description: 'Only products priced in this currency.' })
  currency?: CurrencyCode | null;

  @Field(() => [String], { nullable: true, description: 'Only products carrying every one of these tags.' })
  tags?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Only products of this vendor.' })
  vendorId?: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Only products rated at least this (1 to 5); products without a review are left out.',
  })
  minRating?: number | null;
}

@InputType({ description: 'Which product to send to review.' })
export class SubmitProductForReviewInput {
  @Field(() => ID, { description: 'Your DRAFT or REJECTED product.' })
  productId: string;
}

@InputType({ description: 'Which product to withdraw for good.' })
export class ArchiveProductInput {
  @Field(() => ID, { description: 'The product (your own; admins: any).' })
  productId: string;
}

@InputType({ description: 'Which product to publish.' })
export class ApproveProductInput {
  @Field(() => ID, { description: 'A product IN_REVIEW.' })
  productId: string;
}

@InputType({ description: 'Which product to send back to its vendor, and why.' })
export class RejectProductInput {
  @Field(() => ID, { description: 'A product IN_REVIEW.' })
  productId: string;

  @Field({ description: 'Why, for the vendor: 1 to 1,000 characters.' })
  reason: string;
}

@InputType({ description: "Narrows a vendor's product list." })
export class VendorProductFilter {
  @Field(() => [ProductStatus], {
    nullable: true,
    description:
      'Only products in one of these statuses. Only the vendor and admins see other statuses than PUBLISHED: for anyone else the list holds published products only, whatever this says.',
  })
  status?: ProductStatus[] | null;
}
