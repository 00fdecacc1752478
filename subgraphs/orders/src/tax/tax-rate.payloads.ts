import { Field, ObjectType } from 'type-graphql';
import { TaxRate } from './tax-rate.type';

@ObjectType({ description: 'What setTaxRate changed.' })
export class SetTaxRatePayload {
  @Field(() => TaxRate, { description: 'The rate as it is now.' })
  taxRate: TaxRate;
}
