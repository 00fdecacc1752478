import { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, PageArgs } from '@marketplace/kit';
import { Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { VendorStatus } from './vendor.entity';

@ArgsType()
export class VendorLookupArgs {
  @Field(() => ID, { nullable: true, description: "The vendor's id; give either this or `slug`." })
  id?: string | null;

  @Field(() => String, { nullable: true, description: "The vendor's slug; give either this or `id`." })
  slug?: string | null;
}

/** Declared in full (not extending PageArgs) so that the filter comes first in the schema. */
@ArgsType()
export class VendorsArgs implements PageArgs {
  @Field(() => VendorStatus, { nullable: true, description: 'Only vendors with this status.' })
  status?: VendorStatus | null;

  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor (an `endCursor`).' })
  after?: string | null;
}

@ArgsType()
export class VendorIdArgs {
  @Field(() => ID, { description: 'The vendor to act on.' })
  id: string;
}

@ArgsType()
export class RejectVendorArgs {
  @Field(() => ID, { description: 'The pending vendor to reject.' })
  id: string;

  @Field({ description: 'Why, in words the applicant will read; 1 to 2000 characters.' })
  reason: string;
}

@ArgsType()
export class SuspendVendorArgs {
  @Field(() => ID, { description: 'The active vendor to suspend.' })
  id: string;

  @Field(() => String, { nullable: true, description: 'Why, shown to the vendor; up to 2000 characters.' })
  reason?: string | null;
}
