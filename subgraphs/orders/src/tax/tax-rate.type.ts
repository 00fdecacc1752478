import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    "A country's tax rate on digital goods, applied at checkout to buyers billed in that country. Countries without a rate are not taxed.",
})
export class TaxRate {
  @Field({ description: 'ISO 3166-1 alpha-2 country code.' })
  country: string;

  @Field(() => Int, { description: 'The rate in basis points: 2000 is 20 %.' })
  rateBps: number;

  @Field({ description: 'What the tax is called on orders and invoices: VAT, GST, sales tax…' })
  name: string;

  @Field({ description: 'When the rate was last set.' })
  updatedAt: Date;
}
