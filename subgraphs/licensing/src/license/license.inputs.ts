import { ArgsType, Field, ID, InputType } from 'type-graphql';

const LICENSE_KEY = 'The license key (`MP1.…`), as the customer entered it in the product.';
const FINGERPRINT = "The machine's fingerprint, 1 to 200 characters, computed by the product.";

/** `validateLicense`'s arguments: a query, so plain arguments rather than one input. */
@ArgsType()
export class ValidateLicenseArgs {
  @Field({ description: LICENSE_KEY })
  licenseKey: string;

  @Field({ description: FINGERPRINT })
  fingerprint: string;
}

@InputType({ description: 'Which license to activate (by its key) on which machine.' })
export class ActivateLicenseInput {
  @Field({ description: LICENSE_KEY })
  licenseKey: string;

  @Field({ description: FINGERPRINT })
  fingerprint: string;

  @Field(() => String, {
    nullable: true,
    description: 'A name for the machine, up to 100 characters, e.g. "work laptop"; blank or omitted means none.',
  })
  label?: string | null;
}

@InputType({ description: 'Which license (by its key) to deactivate on which machine.' })
export class DeactivateLicenseInput {
  @Field({ description: LICENSE_KEY })
  licenseKey: string;

  @Field({ description: FINGERPRINT })
  fingerprint: string;
}

@InputType({ description: 'The license to download the product of.' })
export class CreateDownloadLinkInput {
  @Field(() => ID, { description: "The license's id." })
  licenseId: string;
}
