import { Field, InputType, ObjectType } from 'type-graphql';
import type { NotificationCategory } from '../notification/notification.catalog';
import { NotificationCategoryEnum } from '../notification/notification.type';

@ObjectType({ description: "One category's channels as the user set them (all on until they change them)." })
export class NotificationPreference {
  @Field(() => NotificationCategoryEnum, { description: 'The category.' })
  category: NotificationCategory;

  @Field({ description: 'Whether the category cannot be turned off (security, receipts): both channels stay on.' })
  transactional: boolean;

  @Field({ description: 'Whether notifications of this category appear in the app.' })
  inApp: boolean;

  @Field({ description: 'Whether notifications of this category are also sent by email.' })
  email: boolean;
}

@InputType({ description: "One category's channels to set." })
export class NotificationPreferenceInput {
  @Field(() => NotificationCategoryEnum, { description: 'The category; at most once per input.' })
  category: NotificationCategory;

  @Field({ description: 'In the app; a transactional category cannot be turned off.' })
  inApp: boolean;

  @Field({ description: 'By email; a transactional category cannot be turned off.' })
  email: boolean;
}

@InputType({ description: 'Notification preferences to change; categories not named stay as they are.' })
export class UpdateNotificationPreferencesInput {
  @Field(() => [NotificationPreferenceInput], { description: 'The categories to set, each at most once.' })
  preferences: NotificationPreferenceInput[];
}
