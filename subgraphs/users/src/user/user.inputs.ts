import { Role } from '@marketplace/kit';
import { Field, ID, InputType } from 'type-graphql';
import { UserStatus } from './user-status.type';

@InputType({ description: 'Profile changes; omitted fields stay as they are.' })
export class UpdateProfileInput {
  @Field(() => String, {
    nullable: true,
    description: 'New public name, 1 to 80 characters; omitted or null: unchanged.',
  })
  displayName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'New email address; it must be verified again. Omitted or null: unchanged.',
  })
  email?: string | null;
}

@InputType({ description: "A user's new role." })
export class SetUserRoleInput {
  @Field(() => ID, { description: 'The user to change (not yourself).' })
  userId: string;

  @Field(() => Role, { description: 'Their new role.' })
  role: Role;
}

@InputType({ description: 'Narrows the admin user list.' })
export class UserFilter {
  @Field(() => Role, { nullable: true, description: 'Only users with this role.' })
  role?: Role | null;

  @Field(() => String, {
    nullable: true,
    description: 'Text found anywhere in the email or the display name, ignoring case; at most 100 characters.',
  })
  search?: string | null;

  @Field(() => UserStatus, { nullable: true, description: 'Only users standing so now.' })
  status?: UserStatus | null;

  @Field(() => Date, { nullable: true, description: 'Only users who signed up at or after this instant.' })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only users who signed up before this instant.' })
  createdBefore?: Date | null;
}
