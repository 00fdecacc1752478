import { Connection, EntityCacheHint, EntityDescriptions } from '@marketplace/kit';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import {
  NOTIFICATION_CATEGORIES,
  NOTIFICATION_KINDS,
  NotificationCategory,
  NotificationKind,
} from './notification.catalog';

const valuesOf = <K extends string>(table: Record<K, { description: string }>) =>
  Object.fromEntries(Object.keys(table).map((name) => [name, name])) as { [N in K]: N };

/** The schema's `NotificationCategory`, value for value the catalog (its descriptions included). */
export const NotificationCategoryEnum = valuesOf<NotificationCategory>(NOTIFICATION_CATEGORIES);
registerEnumType(NotificationCategoryEnum, {
  name: 'NotificationCategory',
  description: 'What a notification is about; preferences are set per category and channel.',
  valuesConfig: Object.fromEntries(
    Object.entries(NOTIFICATION_CATEGORIES).map(([name, { description }]) => [name, { description }]),
  ),
});

export const NotificationKindEnum = valuesOf<NotificationKind>(NOTIFICATION_KINDS);
registerEnumType(NotificationKindEnum, {
  name: 'NotificationKind',
  description: 'Which notification this is, and so what its `data` holds; each belongs to one category.',
  valuesConfig: Object.fromEntries(
    Object.entries(NOTIFICATION_KINDS).map(([name, { description }]) => [name, { description }]),
  ),
});

@ObjectType({ description: EntityDescriptions.Notification })
@Directive('@key(fields: "id")')
@EntityCacheHint('Notification')
export class Notification {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  @Field(() => NotificationCategoryEnum, { description: 'What it is about (preferences are per category).' })
  category: NotificationCategory;

  @Field(() => NotificationKindEnum, { description: 'Which notification it is.' })
  kind: NotificationKind;

  @Field({ description: 'One line to show, e.g. "Order M-10042 is paid".' })
  title: string;

  @Field({ description: 'A sentence or two saying what happened and what to do.' })
  body: string;

  @Field(() => String, {
    nullable: true,
    description: "Where to go in the web app (built from the marketplace's `APP_URL`); null when there is nowhere.",
  })
  link: string | null;

  @Field({ description: 'When it was created.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When its owner marked it read; null while unread.' })
  readAt: Date | null;

  @Field({ description: 'Whether its owner marked it read (`readAt` is set).' })
  read(): boolean {
    return this.readAt !== null;
  }

  /** Not exposed: the owner, for authorization. */
  recipientId: string;
}

@ObjectType({ description: 'A page of notifications, newest first.' })
export class NotificationConnection extends Connection(Notification, 'Notification') {}

/** A `notifications` row as SQL returns it. */
export interface NotificationRow {
  id: string;
  recipient_id: string;
  category: NotificationCategory;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  created_at: Date;
  read_at: Date | null;
}

export const NOTIFICATION_COLUMNS = 'id, recipient_id, category, kind, title, body, link, created_at, read_at';

export function toNotification(row: NotificationRow): Notification {
  return Object.assign(new Notification(), {
    id: row.id,
    recipientId: row.recipient_id,
    category: row.category,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    createdAt: row.created_at,
    readAt: row.read_at,
  });
}
