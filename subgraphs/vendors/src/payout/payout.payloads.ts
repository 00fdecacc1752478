import { Field, ObjectType } from 'type-graphql';
import { Vendor } from '../vendor-account/vendor.entity';
import { Payout } from './payout.type';

@ObjectType({ description: 'What requestPayout changed.' })
export class RequestPayoutPayload {
  @Field(() => Payout, { description: 'The payout, REQUESTED (or the one an earlier request with the same key made).' })
  payout: Payout;

  @Field(() => Vendor, { description: 'The vendor, whose available balance went down by the amount.' })
  vendor: Vendor;
}

@ObjectType({ description: 'What markPayoutPaid changed.' })
export class MarkPayoutPaidPayload {
  @Field(() => Payout, { description: 'The payout, now PAID.' })
  payout: Payout;
}

@ObjectType({ description: 'What rejectPayout changed.' })
export class RejectPayoutPayload {
  @Field(() => Payout, { description: 'The payout, now REJECTED.' })
  payout: Payout;

  @Field(() => Vendor, { description: 'The vendor, whose available balance got the amount back.' })
  vendor: Vendor;
}
