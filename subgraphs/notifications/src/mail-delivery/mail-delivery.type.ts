import { Connection } from '@marketplace/kit';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../entity-stubs';

export enum MailDeliveryStatus {
  PENDING = 'PENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
}
registerEnumType(MailDeliveryStatus, {
  name: 'MailDeliveryStatus',
  description: 'Where one email stands: PENDING → SENT, or PENDING → FAILED.',
  valuesConfig: {
    PENDING: {
      description:
        'Queued: not tried yet, waiting for a retry (see `lastError`), or held by the per-address hourly budget.',
    },
    SENT: { description: 'The SMTP server took it (`messageId`). Final.' },
    FAILED: {
      description: 'Given up on: the server refused it for good, or every retry was refused (`lastError`). Final.',
    },
  },
});

@ObjectType({
  description:
    'One email the marketplace queued for a notification, and its delivery (admins). Its body is kept only until it is sent or fails.',
})
export class MailDelivery {
  @Field(() => ID, { description: 'Global id (`MailDelivery:<uuid>`).' })
  id: string;

  @Field({ description: 'The template it was rendered from, e.g. `orderReceipt` (docs/notifications.md).' })
  kind: string;

  /** Exposed as `owner`. */
  recipientId: string | null;

  @Field(() => User, { nullable: true, description: 'The user it is for; null for an address with no user.' })
  owner(): User | null {
    return this.recipientId ? User.of(this.recipientId) : null;
  }

  @Field({ description: 'The address it is (or was) sent to, lower-cased.' })
  to: string;

  @Field({ description: 'Its subject line.' })
  subject: string;

  @Field(() => MailDeliveryStatus, { description: 'Where its delivery stands.' })
  status: MailDeliveryStatus;

  @Field(() => Int, { description: 'SMTP exchanges tried so far.' })
  attempts: number;

  @Field(() => String, {
    nullable: true,
    description:
      "The SMTP server's last answer to a failed attempt (`550 5.1.1 …`), or why it could not be reached; null once sent.",
  })
  lastError: string | null;

  @Field(() => Int, { nullable: true, description: 'The SMTP reply code of that answer; null when none came.' })
  responseCode: number | null;

  @Field(() => String, { nullable: true, description: 'The `Message-ID` the server took it under; null until SENT.' })
  messageId: string | null;

  @Field({ description: 'When it was queued (the event that made it committed).' })
  queuedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it is tried next; null once SENT or FAILED.' })
  nextAttemptAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was SENT or FAILED; null while PENDING.' })
  finishedAt: Date | null;
}

@ObjectType({ description: 'A page of mail deliveries, newest first.' })
export class MailDeliveryConnection extends Connection(MailDelivery, 'MailDelivery') {}
