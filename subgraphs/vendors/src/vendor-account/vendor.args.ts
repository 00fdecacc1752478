import { FilteredPageArgs } from '@marketplace/kit';
import { ArgsType, Field, ID } from 'type-graphql';
import { VendorStatus } from './vendor.entity';

@ArgsType()
export class VendorLookupArgs {
  @Field(() => ID, { nullable: true, description: "The vendor's id; give either this or `slug`." })
  id?: string | null;

  @Field(() => String, { nullable: true, description: "The vendor's slug; give either this or `id`." })
  slug?: string | null;
}

@ArgsType()
class VendorFilter {
  @Field(() => VendorStatus, { nullable: true, description: 'Only vendors with this status.' })
  status?: VendorStatus | null;
}

@ArgsType()
export class VendorsArgs extends FilteredPageArgs(VendorFilter) {}

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
