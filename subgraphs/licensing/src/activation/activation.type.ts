import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { License } from '../license/license.type';

export enum LicenseValidationCode {
  VALID = 'VALID',
  NOT_FOUND = 'NOT_FOUND',
  INVALID_SIGNATURE = 'INVALID_SIGNATURE',
  REVOKED = 'REVOKED',
  SUSPENDED = 'SUSPENDED',
  EXPIRED = 'EXPIRED',
  NOT_ACTIVATED = 'NOT_ACTIVATED',
  TOO_MANY_ACTIVATIONS = 'TOO_MANY_ACTIVATIONS',
}

registerEnumType(LicenseValidationCode, {
  name: 'LicenseValidationCode',
  description: 'The outcome of validating a license key on a machine.',
  valuesConfig: {
    VALID: { description: 'The license is active and activated on this machine.' },
    NOT_FOUND: { description: 'A correctly signed key the marketplace has no license for.' },
    INVALID_SIGNATURE: {
      description: 'Not a license key of this marketplace: malformed, tampered with, or signed by another key.',
    },
    REVOKED: { description: 'The license was revoked (its order was refunded).' },
    SUSPENDED: {
      description: "The license is suspended while its order's payment is disputed; valid again if the dispute is won.",
    },
    EXPIRED: { description: 'The license is past its expiry date.' },
    NOT_ACTIVATED: {
      description: 'The license is active but not activated on this machine; a free slot remains (activateLicense).',
    },
    TOO_MANY_ACTIVATIONS: {
      description:
        'The license is active but not on this machine, and every activation slot is taken (deactivate another machine first).',
    },
  },
});

@ObjectType({ description: 'Whether a license key may be used on a machine, as a product asks it at start-up.' })
export class LicenseValidation {
  @Field({ description: 'True only for VALID.' })
  valid: boolean;

  @Field(() => LicenseValidationCode, { description: 'Why the key is or is not valid on this machine.' })
  code: LicenseValidationCode;

  @Field(() => License, {
    nullable: true,
    description: 'The license, when the key is VALID or the viewer is its owner (or an admin); null otherwise.',
  })
  license: License | null;
}
