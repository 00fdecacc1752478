/**
 * TEMPORARY stand-in until the kit's MoneyInput/CurrencyCode land (KIT_READY): then this file
 * re-exports them from '@marketplace/kit'.
 */
import { Field, InputType, Int } from 'type-graphql';

@InputType({ description: 'An amount of money a client sends, in minor units, with its currency.' })
export class MoneyInput {
  @Field(() => Int, { description: 'Amount in minor units.' })
  amount: number;

  @Field(() => String, { description: 'ISO 4217 currency code.' })
  currency: string;
}
