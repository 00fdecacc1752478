import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class ValidateLicenseArgs {
  @Field({ description: 'The license key (`MP1.…`), as the customer entered it in the product.' })
  key: string;

  @Field({ description: "The machine's fingerprint, 1 to 200 characters, computed by the product." })
  fingerprint: string;
}

@ArgsType()
export class ActivateLicenseArgs extends ValidateLicenseArgs {
  @Field(() => String, {
    nullable: true,
    description: 'A name for the machine, up to 100 characters, e.g. "work laptop".',
  })
  label?: string | null;
}

@ArgsType()
export class DeactivateLicenseArgs extends ValidateLicenseArgs {}

@ArgsType()
export class LicenseIdArgs {
  @Field(() => ID, { description: "The license's id (UUID)." })
  licenseId: string;
}
