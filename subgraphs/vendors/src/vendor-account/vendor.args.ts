import { FilteredPageArgs } from '@marketplace/kit';
import { ArgsType, Field } from 'type-graphql';
import { VendorFilter } from './vendor.inputs';

@ArgsType()
class VendorFilterArgs {
  @Field(() => VendorFilter, { nullable: true, description: 'Which vendors to list; all when omitted.' })
  filter?: VendorFilter | null;
}

@ArgsType()
export class VendorsArgs extends FilteredPageArgs(VendorFilterArgs) {}
