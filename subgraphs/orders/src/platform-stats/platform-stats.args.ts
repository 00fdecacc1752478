import { ArgsType, Field, InputType, Int } from 'type-graphql';
import { DEFAULT_TOP, MAX_TOP, StatsGranularity } from './platform-stats.type';

@InputType({
  description:
    'A stretch of time, widened to whole buckets of the granularity asked (UTC): `from` rounded down, `to` rounded up.',
})
export class StatsPeriodInput {
  @Field({ description: 'Start (inclusive).' })
  from: Date;

  @Field({ description: 'End (exclusive); after `from`.' })
  to: Date;
}

@ArgsType()
export class PlatformStatsArgs {
  @Field(() => StatsPeriodInput, { description: 'The period; at most 366 buckets of `granularity` once widened.' })
  period: StatsPeriodInput;

  @Field(() => StatsGranularity, {
    defaultValue: StatsGranularity.DAY,
    description: 'The length of each step of the series.',
  })
  granularity: StatsGranularity;
}

@ArgsType()
export class TopArgs {
  @Field(() => Int, {
    defaultValue: DEFAULT_TOP,
    description: `How many to list per currency, 1 to ${MAX_TOP}.`,
  })
  first: number;
}
