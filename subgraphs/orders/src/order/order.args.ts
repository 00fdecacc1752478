import { PageArgs } from '@marketplace/kit';
import { ArgsType, Field, ID } from 'type-graphql';
import { OrderStatus } from './order.type';

@ArgsType()
export class OrderIdArgs {
  @Field(() => ID, { description: "The order's id (UUID)." })
  id: string;
}

@ArgsType()
export class OrdersArgs extends PageArgs {
  @Field(() => OrderStatus, { nullable: true, description: 'Only orders with this status.' })
  status?: OrderStatus | null;
}

@ArgsType()
export class OrderUpdatedArgs {
  @Field(() => ID, { description: 'The order to follow (UUID); its owner or an admin only.' })
  orderId: string;
}
