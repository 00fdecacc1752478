import { Field, InputType } from 'type-graphql';
import { MailDeliveryStatus } from './mail-delivery.type';

@InputType({ description: 'Which mail deliveries a list holds; every field given must match.' })
export class MailDeliveryFilter {
  @Field(() => MailDeliveryStatus, { nullable: true, description: 'Only mails in this state, e.g. FAILED.' })
  status?: MailDeliveryStatus | null;

  @Field(() => String, { nullable: true, description: 'Only mails to this address (case does not matter).' })
  to?: string | null;

  @Field(() => String, { nullable: true, description: 'Only mails of this template, e.g. `orderReceipt`.' })
  kind?: string | null;
}
