import { Field, InputType } from 'type-graphql';

@InputType({ description: 'An application to sell on the marketplace.' })
export class ApplyAsVendorInput {
  @Field({ description: 'Name of the storefront, 1 to 80 characters.' })
  displayName: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Storefront address (3 to 48 lower-case letters, digits and single hyphens); made from the name when omitted.',
  })
  slug?: string | null;

  @Field(() => String, { nullable: true, description: 'What you sell and who you are, up to 2000 characters.' })
  bio?: string | null;
}

@InputType({ description: 'Profile changes; omitted (or null) fields stay as they are.' })
export class UpdateVendorProfileInput {
  @Field(() => String, { nullable: true, description: 'New storefront name, 1 to 80 characters.' })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'New storefront address; the old one stops working.' })
  slug?: string | null;

  @Field(() => String, { nullable: true, description: 'New bio, up to 2000 characters; an empty string removes it.' })
  bio?: string | null;
}
