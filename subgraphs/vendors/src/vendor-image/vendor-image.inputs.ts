import { Field, ID, InputType } from 'type-graphql';
import { VendorImageKind } from './vendor-image.entity';

@InputType({ description: 'Which image of your vendor to upload.' })
export class CreateVendorImageUploadInput {
  @Field(() => VendorImageKind, { description: 'The logo or the banner; the upload replaces the current one.' })
  kind: VendorImageKind;
}

@InputType({ description: 'Which vendor image to remove.' })
export class RemoveVendorImageInput {
  @Field(() => ID, { description: 'The vendor: your own, or any for an admin.' })
  vendorId: string;

  @Field(() => VendorImageKind, { description: 'The logo or the banner.' })
  kind: VendorImageKind;
}
