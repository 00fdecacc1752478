import { RequestContext, badInput } from '@marketplace/kit';
import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { User } from '../user/user.entity';
import type { UserService } from '../user/user.service';
import { Avatar } from './avatar.entity';
import { RemoveAvatarInput } from './avatar.inputs';
import { CreateAvatarUploadPayload, RemoveAvatarPayload } from './avatar.payloads';
import { AvatarService, THUMBNAIL_MAX_WIDTH } from './avatar.service';

@Resolver(() => Avatar)
export class AvatarResolver {
  constructor(private readonly avatars: AvatarService) {}

  @FieldResolver(() => String, { description: 'The original image (metadata stripped), served immutable.' })
  url(@Root() avatar: Avatar): string {
    return this.avatars.url(avatar);
  }

  @FieldResolver(() => String, {
    description:
      'A WebP thumbnail at least `width` pixels wide when the original is (160, 480 or 1200 wide; never upscaled), served immutable.',
  })
  thumbnail(
    @Root() avatar: Avatar,
    @Arg('width', () => Int, { description: `The width it will be shown at, in pixels: 1 to ${THUMBNAIL_MAX_WIDTH}.` })
    width: number,
  ): string {
    if (width < 1 || width > THUMBNAIL_MAX_WIDTH)
      throw badInput([{ field: 'width', message: `must be 1 to ${THUMBNAIL_MAX_WIDTH}` }]);
    return this.avatars.thumbnailUrl(avatar, width);
  }
}

@Resolver(() => User)
export class UserAvatarResolver {
  constructor(
    private readonly avatars: AvatarService,
    private readonly users: UserService,
  ) {}

  @FieldResolver(() => Avatar, { nullable: true, description: "The user's picture; null when they have none." })
  avatar(@Root() user: User, @Ctx() context: RequestContext): Promise<Avatar | null> {
    return this.avatars.byUserId(context).load(user.id);
  }

  @Authorized()
  @Mutation(() => CreateAvatarUploadPayload, {
    nullable: true,
    description:
      "A single-use URL to PUT the signed-in user's new avatar to (PNG, JPEG or WebP; MEDIA_MAX_BYTES, MEDIA_MAX_PIXELS); the upload replaces the current avatar. Errors: UNAUTHENTICATED, NOT_FOUND.",
  })
  async createAvatarUpload(@Ctx() context: RequestContext): Promise<CreateAvatarUploadPayload> {
    return { upload: await this.avatars.issueUpload(context) };
  }

  @Authorized()
  @Mutation(() => RemoveAvatarPayload, {
    nullable: true,
    description:
      "Removes a user's avatar: your own, or anyone's for an admin (audited). No avatar: nothing changes. Errors: UNAUTHENTICATED, BAD_USER_INPUT, NOT_FOUND.",
  })
  async removeAvatar(
    @Arg('input', { description: 'Whose avatar.' }) input: RemoveAvatarInput,
    @Ctx() context: RequestContext,
  ): Promise<RemoveAvatarPayload> {
    await this.avatars.remove(context, input.userId);
    return { user: await this.users.get(context, input.userId) };
  }
}
