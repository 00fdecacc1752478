import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageArgs } from '@marketplace/kit';
import { Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { OrderStatus } from './order-status';

@ArgsType()
export class OrderIdArgs {
  @Field(() => ID, { description: 'The order\'s id (UUID).' })
  id: string;
}

/** Declared in full (not extending PageArgs) so that the filter comes first in the schema. */
@ArgsType()
export class OrdersArgs implements PageArgs {
  @Field(() => OrderStatus, { nullable: true, description: 'Only orders with this status.' })
  status?: OrderStatus | null;

  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor (an `endCursor`).' })
  after?: string | null;
}

@ArgsType()
export class OrderUpdatedArgs {
  @Field(() => ID, { description: 'The order to follow (UUID); its owner or an admin only.' })
  orderId: string;
}
