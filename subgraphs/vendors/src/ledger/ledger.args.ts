import { ArgsType, Field } from 'type-graphql';
import { EarningsPeriod } from './ledger.type';

@ArgsType()
export class CurrencyArgs {
  @Field(() => String, {
    nullable: true,
    description:
      "ISO 4217 currency code; the vendor's primary currency (the one most of its entries are in; USD before the first sale) when omitted.",
  })
  currency?: string | null;
}

@ArgsType()
export class PeriodArgs {
  @Field(() => EarningsPeriod, { description: 'The window of time to count, ending now.' })
  period: EarningsPeriod;

  @Field(() => String, {
    nullable: true,
    description: "ISO 4217 currency code; the vendor's primary currency when omitted.",
  })
  currency?: string | null;
}
