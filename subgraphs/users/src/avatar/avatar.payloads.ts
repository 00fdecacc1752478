import { Field, ObjectType } from 'type-graphql';
import { User } from '../user/user.entity';
import { AvatarUpload } from './avatar.type';

@ObjectType({ description: 'What createAvatarUpload gives.' })
export class CreateAvatarUploadPayload {
  @Field(() => AvatarUpload, { description: 'Where and until when to PUT the new avatar.' })
  upload: AvatarUpload;
}

@ObjectType({ description: 'What removeAvatar changed.' })
export class RemoveAvatarPayload {
  @Field(() => User, { description: 'The user, now without an avatar.' })
  user: User;
}
