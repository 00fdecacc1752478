import { Connection } from '@marketplace/kit';
import { Field, Int, ObjectType } from 'type-graphql';
import { Vendor } from '../vendor-account/vendor.entity';

@ObjectType({ description: 'A vendor application waiting in the moderation queue, with how long it has waited.' })
export class QueuedVendor {
  @Field(() => Vendor, { description: 'The applicant, PENDING.' })
  vendor: Vendor;

  @Field({ description: 'When the user (last) applied: when the application entered the queue.' })
  submittedAt: Date;

  @Field(() => Int, { description: 'Whole seconds since `submittedAt`, when the answer was made.' })
  waitingSeconds: number;
}

export const QueuedVendorConnection = Connection(QueuedVendor, 'QueuedVendor');
