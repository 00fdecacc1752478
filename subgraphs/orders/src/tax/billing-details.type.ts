import { Field, InputType, ObjectType } from 'type-graphql';

@InputType({ description: 'A postal address on an invoice.' })
export class BillingAddressInput {
  @Field({ description: 'Street and number, 1 to 200 characters.' })
  line1: string;

  @Field(() => String, { nullable: true, description: 'More of the address (suite, floor), at most 200 characters.' })
  line2?: string | null;

  @Field({ description: 'City, 1 to 100 characters.' })
  city: string;

  @Field(() => String, { nullable: true, description: 'Postal code, at most 20 characters.' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'State, province or region, at most 100 characters.' })
  region?: string | null;
}

@InputType({
  description:
    "Who the order is billed to. The country decides the tax (the buyer's country's rate); a business in another EU member state than the seller's, with its VAT id, is reverse charged (no tax).",
})
export class BillingDetailsInput {
  @Field({ description: "The buyer's full name, 1 to 200 characters." })
  name: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country code, e.g. DE (case-insensitive).' })
  country: string;

  @Field(() => String, { nullable: true, description: 'The business bought for, at most 200 characters.' })
  businessName?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The business's VAT id with its country prefix (DE123456789; spaces, dots and dashes are ignored); it must be well-formed (format and check digits) and of the billing country (EL for Greece).",
  })
  vatId?: string | null;

  @Field(() => BillingAddressInput, { nullable: true, description: 'The postal address, when the buyer gives one.' })
  address?: BillingAddressInput | null;
}

@ObjectType({ description: 'A postal address on an invoice.' })
export class BillingAddress {
  @Field({ description: 'Street and number.' })
  line1: string;

  @Field(() => String, { nullable: true, description: 'More of the address; null when not given.' })
  line2: string | null;

  @Field({ description: 'City.' })
  city: string;

  @Field(() => String, { nullable: true, description: 'Postal code; null when not given.' })
  postalCode: string | null;

  @Field(() => String, { nullable: true, description: 'State, province or region; null when not given.' })
  region: string | null;
}

@ObjectType({ description: 'Who an order is billed to, as the buyer gave it at checkout.' })
export class BillingDetails {
  @Field({ description: "The buyer's full name." })
  name: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country code.' })
  country: string;

  @Field(() => String, { nullable: true, description: 'The business bought for; null for a consumer.' })
  businessName: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The business's VAT id, normalized (DE123456789); null when none.",
  })
  vatId: string | null;

  @Field(() => BillingAddress, { nullable: true, description: 'The postal address; null when not given.' })
  address: BillingAddress | null;

  @Field({
    description:
      'True when no tax was charged because the buyer, a business in another EU member state, accounts for the VAT (reverse charge).',
  })
  reverseCharge: boolean;
}
