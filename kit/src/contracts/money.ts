import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { InheritsCacheHint } from '../cache-hints';

/** Currencies the marketplace prices in (ISO 4217). */
export const SUPPORTED_CURRENCIES = ['USD', 'EUR', 'GBP'] as const;
export type Currency = (typeof SUPPORTED_CURRENCIES)[number];

@ObjectType({ description: 'An amount of money in minor units (cents), with its ISO 4217 currency.' })
@Directive('@shareable')
@InheritsCacheHint()
export class Money {
  @Field(() => Int, { description: 'Amount in minor units, e.g. 1999 for 19.99.' })
  amount: number;

  @Field({ description: 'ISO 4217 currency code, e.g. USD.' })
  currency: string;

  static of(amount: number, currency: string): Money {
    return Object.assign(new Money(), { amount, currency });
  }
}
