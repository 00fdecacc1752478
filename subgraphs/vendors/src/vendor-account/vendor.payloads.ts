import { Field, ObjectType } from 'type-graphql';
import { Vendor } from './vendor.entity';

@ObjectType({ description: 'What applyAsVendor changed.' })
export class ApplyAsVendorPayload {
  @Field(() => Vendor, { description: 'The application: a PENDING vendor.' })
  vendor: Vendor;
}

@ObjectType({ description: 'What updateVendorProfile changed.' })
export class UpdateVendorProfilePayload {
  @Field(() => Vendor, { description: 'The vendor with its new profile.' })
  vendor: Vendor;
}

@ObjectType({ description: 'What approveVendor changed.' })
export class ApproveVendorPayload {
  @Field(() => Vendor, { description: 'The vendor, now ACTIVE.' })
  vendor: Vendor;
}

@ObjectType({ description: 'What rejectVendor changed.' })
export class RejectVendorPayload {
  @Field(() => Vendor, { description: 'The vendor, now REJECTED.' })
  vendor: Vendor;
}

@ObjectType({ description: 'What suspendVendor changed.' })
export class SuspendVendorPayload {
  @Field(() => Vendor, { description: 'The vendor, now SUSPENDED.' })
  vendor: Vendor;
}

@ObjectType({ description: 'What reinstateVendor changed.' })
export class ReinstateVendorPayload {
  @Field(() => Vendor, { description: 'The vendor, ACTIVE again.' })
  vendor: Vendor;
}
