import { GraphQLSafeInt } from 'graphql-scalars';
import { Directive, Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { InheritsCacheHint } from '../cache-hints';

/** Currencies the marketplace prices in (ISO 4217). */
export const SUPPORTED_CURRENCIES = ['USD', 'EUR', 'GBP'] as const;
export type Currency = (typeof SUPPORTED_CURRENCIES)[number];

/** The schema's `CurrencyCode` enum: each value is its ISO 4217 code, so stored codes serialize as they are. */
export enum CurrencyCode {
  USD = 'USD',
  EUR = 'EUR',
  GBP = 'GBP',
}

registerEnumType(CurrencyCode, {
  name: 'CurrencyCode',
  description: 'A currency the marketplace prices in (ISO 4217 code).',
  valuesConfig: {
    USD: { description: 'United States dollar; minor unit: cent.' },
    EUR: { description: 'Euro; minor unit: cent.' },
    GBP: { description: 'Pound sterling; minor unit: penny.' },
  },
});

/**
 * Integers up to 2^53 - 1 (JSON numbers): amounts in minor units and their sums, which a
 * 32-bit GraphQL `Int` would cap at 21,474,836.47.
 */
export const SafeInt = GraphQLSafeInt;

@ObjectType({ description: 'An amount of money in minor units (cents), with its ISO 4217 currency.' })
@Directive('@shareable')
@InheritsCacheHint()
export class Money {
  @Field(() => SafeInt, { description: 'Amount in minor units, e.g. 1999 for 19.99.' })
  amount: number;

  @Field(() => CurrencyCode, { description: 'ISO 4217 currency code, e.g. USD.' })
  currency: CurrencyCode;

  static of(amount: number, currency: string): Money {
    return Object.assign(new Money(), { amount, currency: currency as CurrencyCode });
  }
}

/** Checked where it is used, with its input path and bounds: `InputCheck.money`. */
@InputType({ description: 'An amount of money a client sends: minor units (cents) and the currency.' })
export class MoneyInput {
  @Field(() => SafeInt, { description: 'Amount in minor units, e.g. 1999 for 19.99; each use says its bounds.' })
  amount: number;

  @Field(() => CurrencyCode, { description: 'ISO 4217 currency code.' })
  currency: CurrencyCode;
}
