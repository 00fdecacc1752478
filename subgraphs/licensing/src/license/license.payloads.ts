import { Field, ObjectType } from 'type-graphql';
import { DownloadLink } from '../download/download.type';
import { Activation, License } from './license.type';

@ObjectType({ description: 'What `activateLicense` changed.' })
export class ActivateLicensePayload {
  @Field(() => License, { description: 'The license, with the machine among its activations.' })
  license: License;

  @Field(() => Activation, {
    description: "The machine's activation: the new one, or the existing one when it was activated already.",
  })
  activation: Activation;
}

@ObjectType({ description: 'What `deactivateLicense` changed.' })
export class DeactivateLicensePayload {
  @Field(() => License, { description: 'The license, without the machine among its activations.' })
  license: License;
}

@ObjectType({ description: 'What `createDownloadLink` made.' })
export class CreateDownloadLinkPayload {
  @Field(() => DownloadLink, { description: "The signed URL of the product's current build." })
  downloadLink: DownloadLink;

  @Field(() => License, { description: 'The license the link was made for.' })
  license: License;
}
