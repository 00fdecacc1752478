import { Connection, ErrorReason } from '@marketplace/kit';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum LicenseStatus {
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}

registerEnumType(LicenseStatus, {
  name: 'LicenseStatus',
  description: 'Whether a license may be used.',
  valuesConfig: {
    ACTIVE: { description: 'Valid: it may be activated, validated and downloaded with.' },
    SUSPENDED: {
      description:
        "Not usable while the order's payment is disputed by the cardholder: ACTIVE again if the dispute is won, REVOKED if it is lost.",
    },
    REVOKED: { description: 'Withdrawn (the order was refunded, or its payment dispute lost); final.' },
    EXPIRED: { description: 'Past its expiry date.' },
  },
});

@ObjectType({ description: 'One machine a license is activated on.' })
export class Activation {
  @Field({ description: "The machine's fingerprint, as the product computed it (opaque to the marketplace)." })
  fingerprint: string;

  @Field(() => String, {
    nullable: true,
    description: 'A name the customer gave the machine, e.g. "work laptop"; null when none was given.',
  })
  label: string | null;

  @Field({ description: 'When the machine was activated.' })
  createdAt: Date;
}

@ObjectType({
  description:
    'The right to use one product, issued for one paid order line: a signed key, activations on machines and downloads.',
})
@Directive('@key(fields: "id")')
export class License {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  orderId: string;
  productId: string;
  ownerId: string;
  /** The signed key; exposed as `key` to the owner and admins only (LicenseResolver). */
  licenseKey: string;

  @Field(() => LicenseStatus, {
    description: 'ACTIVE, SUSPENDED (payment disputed), REVOKED or EXPIRED (past `expiresAt`).',
  })
  status: LicenseStatus;

  @Field(() => Int, {
    description: "Machines this license may be activated on at once (the vendor's policy when it was issued).",
  })
  maxActivations: number;

  @Field({ description: 'When the license was issued (the order was paid).' })
  issuedAt: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'When the license stops being valid; null for a perpetual license.',
  })
  expiresAt: Date | null;
}

export const LicenseConnection = Connection(License, 'License');

/** Columns of a license row under the names of `License`; the status says EXPIRED once the expiry passed. */
export const LICENSE_COLUMNS = `l.id, l.order_id AS "orderId", l.product_id AS "productId", l.owner_id AS "ownerId", l.license_key AS "licenseKey",
  CASE WHEN l.status = 'ACTIVE' AND l.expires_at <= now() THEN 'EXPIRED' ELSE l.status END AS status,
  l.max_activations AS "maxActivations", l.issued_at AS "issuedAt", l.expires_at AS "expiresAt"`;

/** The error reason (`extensions.reason`) of a license that may no longer be used. */
export function inactiveReason(status: LicenseStatus): ErrorReason {
  if (status === LicenseStatus.SUSPENDED) return 'LICENSE_DISPUTED';
  return status === LicenseStatus.EXPIRED ? 'LICENSE_EXPIRED' : 'LICENSE_REVOKED';
}

export const toLicense = (row: Record<string, unknown>): License => Object.assign(new License(), row);
