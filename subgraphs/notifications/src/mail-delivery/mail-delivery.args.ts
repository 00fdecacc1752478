import { FilteredPageArgs } from '@marketplace/kit';
import { ArgsType, Field } from 'type-graphql';
import { MailDeliveryFilter } from './mail-delivery.inputs';

@ArgsType()
class MailDeliveryFilterArgs {
  @Field(() => MailDeliveryFilter, { nullable: true, description: 'Which mails to list; all when omitted.' })
  filter?: MailDeliveryFilter | null;
}

@ArgsType()
export class MailDeliveriesArgs extends FilteredPageArgs(MailDeliveryFilterArgs) {}
