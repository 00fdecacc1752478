import { RequestContext, ViewerDependent, requireViewer } from '@marketplace/kit';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { User } from '../entity-stubs';
import { UpdateNotificationPreferencesPayload } from '../notification/notification.payloads';
import { PreferenceService } from './preference.service';
import { NotificationPreference, UpdateNotificationPreferencesInput } from './preference.type';

/** `User.notificationPreferences` and the viewer's changes to them. */
@Resolver(() => User)
export class PreferenceResolver {
  constructor(private readonly preferences: PreferenceService) {}

  @ViewerDependent()
  @FieldResolver(() => [NotificationPreference], {
    nullable: true,
    description:
      "The user's notification channels, one entry per category (every channel on until changed): for the user only; UNAUTHENTICATED when signed out, FORBIDDEN for anyone else.",
  })
  notificationPreferences(@Root() user: User, @Ctx() context: RequestContext): Promise<NotificationPreference[]> {
    return this.preferences.list(context, user.id);
  }

  @Authorized()
  @Mutation(() => UpdateNotificationPreferencesPayload, {
    nullable: true,
    description:
      "Turns the viewer's notification channels on or off per category; transactional categories (SECURITY, RECEIPTS) cannot be turned off. Errors: UNAUTHENTICATED, BAD_USER_INPUT.",
  })
  async updateNotificationPreferences(
    @Arg('input', { description: 'The categories to set.' }) input: UpdateNotificationPreferencesInput,
    @Ctx() context: RequestContext,
  ): Promise<UpdateNotificationPreferencesPayload> {
    const viewer = requireViewer(context);
    const notificationPreferences = await this.preferences.update(context, input.preferences);
    return { notificationPreferences, user: User.of(viewer.id) };
  }
}
