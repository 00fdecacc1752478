import { Connection, EntityDescriptions, PublicData } from '@marketplace/kit';
import { Directive, Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { VendorSocialLink } from './vendor-links.type';

/** Where a vendor stands; `vendor.transitions.ts` says which moves are legal. */
export enum VendorStatus {
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
  REJECTED = 'REJECTED',
  SUSPENDED = 'SUSPENDED',
}

registerEnumType(VendorStatus, {
  name: 'VendorStatus',
  description: 'Where a vendor stands with the marketplace.',
  valuesConfig: {
    PENDING: { description: 'Applied; waiting for an admin to approve or reject.' },
    ACTIVE: { description: 'Approved: may sell, and is shown to everyone.' },
    REJECTED: { description: 'The application was rejected; the user may apply again.' },
    SUSPENDED: { description: 'Was active, stopped by an admin; hidden from the public until reinstated.' },
  },
});

export const BPS_PER_UNIT = 10_000;

@ObjectType({ description: EntityDescriptions.Vendor })
@Directive('@key(fields: "id")')
@PublicData()
@Entity({ name: 'vendors' })
export class Vendor {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Exposed as `Vendor.user`, a reference to the users subgraph's `User`. */
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Field({ description: 'Name of the storefront, 1 to 80 characters.' })
  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Field({ description: 'Unique address of the storefront: 3 to 48 lower-case letters, digits and single hyphens.' })
  @Column({ type: 'text' })
  slug: string;

  @Field(() => String, {
    nullable: true,
    description: 'What the vendor sells and who they are, up to 2000 characters.',
  })
  @Column({ type: 'text', nullable: true })
  bio: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The vendor's own website: an absolute https: address, normalised (lower-case host, punycode); null when none.",
  })
  @Column({ type: 'text', nullable: true })
  website: string | null;

  @Field(() => [VendorSocialLink], {
    description: "The vendor's pages on other networks, in the vendor's order; at most 10, empty when none.",
  })
  @Column({ name: 'social_links', type: 'jsonb', default: () => "'[]'" })
  socialLinks: VendorSocialLink[];

  @Field(() => VendorStatus, { description: 'Where the vendor stands with the marketplace.' })
  @Column({ type: 'text' })
  status: VendorStatus;

  /** Exposed as the fraction `commissionRate`. */
  @Column({ name: 'commission_bps', type: 'int' })
  commissionBps: number;

  /** Exposed through `VendorResolver.rejectionReason`, which hides it from other viewers. */
  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason: string | null;

  /** Exposed through `VendorResolver.suspensionReason`, which hides it from other viewers. */
  @Column({ name: 'suspension_reason', type: 'text', nullable: true })
  suspensionReason: string | null;

  @Field({ description: 'When the user applied.' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When an admin approved the application; null until then.' })
  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  /** When the (latest) application was sent: its place in the moderation queue. */
  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Field(() => Float, { description: 'Share of each sale the platform keeps, as a fraction (0.15 = 15 %).' })
  get commissionRate(): number {
    return this.commissionBps / BPS_PER_UNIT;
  }
}

export const VendorConnection = Connection(Vendor, 'Vendor');
