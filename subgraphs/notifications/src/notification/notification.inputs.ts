import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Which notifications to list.' })
export class NotificationFilter {
  @Field(() => Boolean, { nullable: true, description: 'Only the unread ones; all when omitted or false.' })
  unreadOnly?: boolean | null;
}

@InputType({ description: 'The notifications to mark read: either `notificationIds` or `all: true`, not both.' })
export class MarkNotificationsReadInput {
  @Field(() => [ID], {
    nullable: true,
    description: 'Notifications of the viewer to mark read (1 to 100); one already read stays as it was.',
  })
  notificationIds?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: "True: every unread notification of the viewer's." })
  all?: boolean | null;
}
