import { Field, Int, ObjectType } from 'type-graphql';
import { User } from '../entity-stubs';
import { NotificationPreference } from '../preference/preference.type';
import { Notification } from './notification.type';

@ObjectType({ description: 'What `markNotificationsRead` changed.' })
export class MarkNotificationsReadPayload {
  @Field(() => [Notification], {
    description:
      'The notifications marked read: the ones named, in their order; with `all`, the newest 100 of those it marked.',
  })
  notifications: Notification[];

  @Field(() => Int, { description: "The viewer's unread notifications after the change." })
  unreadNotificationCount: number;

  @Field(() => User, { description: 'The viewer, whose `unreadNotificationCount` changed.' })
  user: User;
}

@ObjectType({ description: 'What `updateNotificationPreferences` changed.' })
export class UpdateNotificationPreferencesPayload {
  @Field(() => [NotificationPreference], { description: "Every category's preference after the change." })
  notificationPreferences: NotificationPreference[];

  @Field(() => User, { description: 'The viewer, whose `notificationPreferences` changed.' })
  user: User;
}
