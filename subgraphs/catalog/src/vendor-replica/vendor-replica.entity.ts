import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum VendorStatus {
  /** Known only from a profile change that overtook the approval: may not sell (yet). */
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
}

/**
 * What the catalog knows of a vendor, kept from the vendor subgraph's events: who runs
 * it and whether it may sell. Not exposed as such; `Vendor` in this schema is the stub.
 */
@Entity({ name: 'vendors' })
export class VendorReplica {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName: string | null;

  @Column({ type: 'text', nullable: true })
  slug: string | null;

  @Column({ type: 'text' })
  status: VendorStatus;

  @Column({ name: 'status_changed_at', type: 'timestamptz' })
  statusChangedAt: Date;

  /** occurredAt of the event that set the name and slug. */
  @Column({ name: 'profile_changed_at', type: 'timestamptz' })
  profileChangedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
