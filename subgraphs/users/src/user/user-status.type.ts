import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** Where an account stands. */
export enum UserStatus {
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
  ERASED = 'ERASED',
}

registerEnumType(UserStatus, {
  name: 'UserStatus',
  description: 'Where an account stands with the marketplace.',
  valuesConfig: {
    ACTIVE: { description: 'May sign in and use the marketplace (also once a suspension with an end has ended).' },
    SUSPENDED: {
      description:
        "Stopped by an admin: sign-in and refresh refused, sessions ended, the user's vendor hidden from the storefront.",
    },
    ERASED: {
      description:
        'Deleted by the user (deleteMyAccount) or erased by an admin (eraseUser): personal data anonymised everywhere, sign-in impossible. Final.',
    },
  },
});

/** The suspension columns of a user row. */
export interface SuspensionColumns {
  suspendedAt: Date | null;
  suspendedUntil: Date | null;
}

/** Whether a suspension stands at `now`: set, and without an end or with its end still ahead. */
export function isSuspendedAt(user: SuspensionColumns, now: Date): boolean {
  return user.suspendedAt !== null && (user.suspendedUntil === null || user.suspendedUntil > now);
}

/** The SQL twin of `isSuspendedAt` over the alias `u` at the statement's `now()`. */
export const SUSPENDED_NOW_SQL = `(u.suspended_at IS NOT NULL AND (u.suspended_until IS NULL OR u.suspended_until > now()))`;

/** `User.status` in SQL over the alias `u`: an erased account is ERASED whatever its suspension said. */
export const STATUS_SQL: Record<UserStatus, string> = {
  [UserStatus.ERASED]: 'u.erased_at IS NOT NULL',
  [UserStatus.SUSPENDED]: `(u.erased_at IS NULL AND ${SUSPENDED_NOW_SQL})`,
  [UserStatus.ACTIVE]: `(u.erased_at IS NULL AND NOT ${SUSPENDED_NOW_SQL})`,
};

@ObjectType({ description: "A standing suspension of a user's account (admins only)." })
export class UserSuspension {
  @Field({ description: "The admin's reason, as they wrote it (1 to 500 characters)." })
  reason: string;

  @Field(() => Date, {
    nullable: true,
    description: 'When the suspension ends by itself; null: until an admin reinstates the user.',
  })
  until: Date | null;

  /** Resolved to `by` through the user loader. */
  byId: string;

  @Field({ description: 'When the suspension started (or was last changed).' })
  at: Date;
}
