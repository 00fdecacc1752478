import { Field, ObjectType } from 'type-graphql';
import { Vendor } from '../vendor-account/vendor.entity';
import { VendorCommissionTerms } from './commission.type';

@ObjectType({ description: 'What setVendorCommission changed.' })
export class SetVendorCommissionPayload {
  @Field(() => Vendor, { description: 'The vendor, with its new `commissionRate` and `commissionTerms`.' })
  vendor: Vendor;

  @Field(() => VendorCommissionTerms, {
    description: 'The rate now in force (the one already in force when the rate given was the same).',
  })
  commissionTerms: VendorCommissionTerms;
}
