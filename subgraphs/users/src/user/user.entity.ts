import { Connection, EntityCacheHint, EntityDescriptions, Role } from '@marketplace/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { UserStatus, isSuspendedAt } from './user-status.type';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@ObjectType({ description: EntityDescriptions.User })
@Directive('@key(fields: "id")')
@EntityCacheHint('User')
@Entity({ name: 'users' })
export class User {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Exposed through `UserResolver.email`, which hides it from other viewers (so it is `ViewerDependent`). */
  @Column({ type: 'text' })
  email: string;

  @Field({ description: 'Name shown on reviews, orders and the vendor storefront.' })
  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  /** Null for an account made by social login until it sets a password (requestPasswordReset). */
  @Column({ name: 'password_hash', type: 'text', select: false, nullable: true })
  passwordHash: string | null;

  @Field(() => Role, { description: 'What this user may do.' })
  @Column({ type: 'text' })
  role: Role;

  /** Raised whenever the user's access must end (SessionService.endAccess); every access token carries it as `sv`. */
  @Column({ name: 'session_version', type: 'integer', default: 1 })
  sessionVersion: number;

  @Column({ name: 'email_verified_at', type: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null;

  /** Set while a suspension stands or stood (see `status`); cleared on reinstatement. Exposed as `User.suspension` (admins). */
  @Column({ name: 'suspended_at', type: 'timestamptz', nullable: true })
  suspendedAt: Date | null;

  /** When the suspension lifts itself; null: until an admin reinstates the user. */
  @Column({ name: 'suspended_until', type: 'timestamptz', nullable: true })
  suspendedUntil: Date | null;

  @Column({ name: 'suspension_reason', type: 'text', nullable: true })
  suspensionReason: string | null;

  /** The admin who suspended the user (raw uuid). */
  @Column({ name: 'suspended_by', type: 'uuid', nullable: true })
  suspendedBy: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the account was erased (deleteMyAccount or eraseUser); null for a live account.',
  })
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true })
  erasedAt: Date | null;

  @Field({ description: 'When the account was created.' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Read at the moment of asking: a suspension whose `until` passed reads ACTIVE with no job run. Exposed by `UserResolver.status`. */
  get status(): UserStatus {
    if (this.erasedAt) return UserStatus.ERASED;
    return isSuspendedAt(this, new Date()) ? UserStatus.SUSPENDED : UserStatus.ACTIVE;
  }

  @Field({ description: 'True once the user proved they own their email address.' })
  get emailVerified(): boolean {
    return this.emailVerifiedAt !== null;
  }
}

export const UserConnection = Connection(User, 'User');
