import { Field, ID, InputType } from 'type-graphql';
import { VendorStatus } from './vendor.entity';
import { SocialNetwork } from './vendor-links.type';

@InputType({ description: "A link to one of the vendor's pages elsewhere." })
export class VendorSocialLinkInput {
  @Field(() => SocialNetwork, {
    nullable: true,
    description: "The network; omitted or null: recognised from the address's host (OTHER when none matches).",
  })
  network?: SocialNetwork | null;

  @Field({
    description:
      "An absolute https: address, at most 500 characters, without user name, password or port, on a host name (not an IP address); on the network's domain when one is named, and a page rather than its home page.",
  })
  url: string;
}

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

  @Field(() => String, {
    nullable: true,
    description: 'What you sell and who you are, up to 2000 characters; empty or omitted: none.',
  })
  bio?: string | null;
}

@InputType({ description: 'Profile changes; omitted fields stay as they are.' })
export class UpdateVendorProfileInput {
  @Field(() => String, {
    nullable: true,
    description: 'New storefront name, 1 to 80 characters; cannot be null (a vendor always has a name).',
  })
  displayName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'New storefront address; the old one stops working. Cannot be null (a vendor always has a slug).',
  })
  slug?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'New bio, up to 2000 characters; null or an empty string removes it.',
  })
  bio?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'New website: an absolute https: address, at most 500 characters, without user name, password or port, on a host name (not an IP address); null or an empty string removes it.',
  })
  website?: string | null;

  @Field(() => [VendorSocialLinkInput], {
    nullable: true,
    description:
      'The whole new list of social links, in display order (at most 10, no address twice); null or an empty list removes them all.',
  })
  socialLinks?: VendorSocialLinkInput[] | null;
}

@InputType({ description: 'Which PENDING vendor to approve.' })
export class ApproveVendorInput {
  @Field(() => ID, { description: 'The PENDING vendor to approve.' })
  vendorId: string;
}

@InputType({ description: 'Which PENDING vendor to reject, and why.' })
export class RejectVendorInput {
  @Field(() => ID, { description: 'The PENDING vendor to reject.' })
  vendorId: string;

  @Field({ description: 'Why, in words the applicant will read; 1 to 2000 characters.' })
  reason: string;
}

@InputType({ description: 'Which ACTIVE vendor to suspend, and why.' })
export class SuspendVendorInput {
  @Field(() => ID, { description: 'The ACTIVE vendor to suspend.' })
  vendorId: string;

  @Field(() => String, {
    nullable: true,
    description: 'Why, shown to the vendor; up to 2000 characters. Omitted, null or empty: no reason given.',
  })
  reason?: string | null;
}

@InputType({ description: 'Which SUSPENDED vendor to reinstate.' })
export class ReinstateVendorInput {
  @Field(() => ID, { description: 'The SUSPENDED vendor to make ACTIVE again.' })
  vendorId: string;
}

@InputType({ description: 'Which vendors a list holds; every field given must match.' })
export class VendorFilter {
  @Field(() => VendorStatus, { nullable: true, description: 'Only vendors with this status.' })
  status?: VendorStatus | null;
}
