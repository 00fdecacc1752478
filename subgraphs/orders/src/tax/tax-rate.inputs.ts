import { Field, InputType, Int } from 'type-graphql';

@InputType({ description: "A country's tax rate on digital goods, for orders placed from now on." })
export class SetTaxRateInput {
  @Field({ description: 'ISO 3166-1 alpha-2 country code, e.g. DE (case-insensitive).' })
  country: string;

  @Field(() => Int, { description: 'The rate in basis points, 0 to 10000 (2000 is 20 %).' })
  rateBps: number;

  @Field({ description: 'What the tax is called on orders and invoices, 1 to 40 characters: VAT, GST, sales tax…' })
  name: string;
}
