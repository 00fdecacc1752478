import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageArgs } from '@marketplace/kit';
import { Max, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';
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

@ArgsType()
export class LedgerArgs implements PageArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor (an `endCursor`).' })
  after?: string | null;
}
