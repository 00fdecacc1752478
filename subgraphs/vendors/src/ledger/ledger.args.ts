import { CurrencyCode } from '@marketplace/kit';
import { ArgsType, Field } from 'type-graphql';
import { EarningsPeriod } from './ledger.type';

@ArgsType()
export class CurrencyArgs {
  @Field(() => CurrencyCode, {
    nullable: true,
    description:
      "The currency; the vendor's primary currency (the one most of its entries are in; USD before the first sale) when omitted.",
  })
  currency?: CurrencyCode | null;
}

@ArgsType()
export class PeriodArgs {
  @Field(() => EarningsPeriod, { description: 'The window of time to count, ending now.' })
  period: EarningsPeriod;

  @Field(() => CurrencyCode, {
    nullable: true,
    description: "The currency; the vendor's primary currency when omitted.",
  })
  currency?: CurrencyCode | null;
}
