import { PageArgs } from '@marketplace/kit';
import { ArgsType, Field, ID } from 'type-graphql';
import { OrderFilter } from './order.inputs';

@ArgsType()
export class OrderIdArgs {
  @Field(() => ID, { description: "The order's id." })
  id: string;
}

@ArgsType()
export class OrdersArgs extends PageArgs {
  @Field(() => OrderFilter, { nullable: true, description: 'Which orders to list; all of them when omitted.' })
  filter?: OrderFilter | null;
}

@ArgsType()
export class OrderUpdatedArgs {
  @Field(() => ID, { description: 'The order to follow; its owner or an admin only.' })
  orderId: string;
}
