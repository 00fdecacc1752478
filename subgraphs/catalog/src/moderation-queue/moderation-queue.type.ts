import { Connection } from '@marketplace/kit';
import { Field, Int, ObjectType } from 'type-graphql';
import { Product } from '../product/product.entity';

@ObjectType({ description: 'A product waiting in the moderation queue, with how long it has waited.' })
export class QueuedProduct {
  @Field(() => Product, { description: 'The product, IN_REVIEW.' })
  product: Product;

  @Field({ description: 'When its vendor (last) submitted it for review: when it entered the queue.' })
  submittedAt: Date;

  @Field(() => Int, { description: 'Whole seconds since `submittedAt`, when the answer was made.' })
  waitingSeconds: number;
}

export const QueuedProductConnection = Connection(QueuedProduct, 'QueuedProduct');
