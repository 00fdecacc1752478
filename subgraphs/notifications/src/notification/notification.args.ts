import { FilteredPageArgs } from '@marketplace/kit';
import { ArgsType, Field } from 'type-graphql';
import { NotificationFilter } from './notification.inputs';

@ArgsType()
class NotificationFilterArgs {
  @Field(() => NotificationFilter, { nullable: true, description: 'Which notifications to list; all when omitted.' })
  filter?: NotificationFilter | null;
}

@ArgsType()
export class NotificationsArgs extends FilteredPageArgs(NotificationFilterArgs) {}
