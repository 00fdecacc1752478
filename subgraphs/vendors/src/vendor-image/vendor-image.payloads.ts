import { Field, ObjectType } from 'type-graphql';
import { Vendor } from '../vendor-account/vendor.entity';
import { VendorImageUpload } from './vendor-image.type';

@ObjectType({ description: 'What createVendorImageUpload gives.' })
export class CreateVendorImageUploadPayload {
  @Field(() => VendorImageUpload, { description: 'Where and until when to PUT the new image.' })
  upload: VendorImageUpload;
}

@ObjectType({ description: 'What removeVendorImage changed.' })
export class RemoveVendorImagePayload {
  @Field(() => Vendor, { description: 'The vendor, without that image.' })
  vendor: Vendor;
}
