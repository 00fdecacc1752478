import { Role } from '@marketplace/kit';
import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new account.' })
export class RegisterInput {
  @Field({ description: 'Email address; trimmed and compared case-insensitively.' })
  email: string;

  @Field({ description: 'At least 10 characters, not a common password.' })
  password: string;

  @Field({ description: 'Public name, 1 to 80 characters.' })
  displayName: string;
}

@InputType({ description: 'Profile changes; omitted fields stay as they are.' })
export class UpdateProfileInput {
  @Field({ nullable: true, description: 'New public name.' })
  displayName?: string;

  @Field({ nullable: true, description: 'New email address; it must be verified again.' })
  email?: string;
}

@InputType({ description: 'Narrows the admin user list.' })
export class UsersFilter {
  @Field(() => Role, { nullable: true, description: 'Only users with this role.' })
  role?: Role;

  @Field({ nullable: true, description: 'Email or display name starting with this text.' })
  search?: string;
}
