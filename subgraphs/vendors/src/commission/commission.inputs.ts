import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: "A vendor's new commission rate, for sales paid from now on." })
export class SetVendorCommissionInput {
  @Field(() => ID, { description: 'The vendor.' })
  vendorId: string;

  @Field(() => Int, { description: 'The rate in basis points: a whole number from 0 to 10,000 (1500 = 15 %).' })
  rateBps: number;
}
