import { RequestContext, Role } from '@marketplace/kit';
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { SetTaxRateInput } from './tax-rate.inputs';
import { SetTaxRatePayload } from './tax-rate.payloads';
import { TaxRateService } from './tax-rate.service';
import { TaxRate } from './tax-rate.type';

@Resolver(() => TaxRate)
export class TaxRateResolver {
  constructor(private readonly rates: TaxRateService) {}

  @Query(() => [TaxRate], {
    description:
      "Every country's tax rate on digital goods, by country code: what checkout charges a buyer billed there (public, so a storefront can show prices with tax). Errors: none.",
  })
  taxRates(): Promise<TaxRate[]> {
    return this.rates.list();
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SetTaxRatePayload, {
    nullable: true,
    description:
      "Sets a country's tax rate (admin) for orders placed from now on; placed orders keep the rate they were charged. Recorded in the audit trail (TAX_RATE_CHANGED). Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT.",
  })
  async setTaxRate(
    @Arg('input', () => SetTaxRateInput, { description: 'The country, its rate and the name of the tax.' })
    input: SetTaxRateInput,
    @Ctx() context: RequestContext,
  ): Promise<SetTaxRatePayload> {
    return { taxRate: await this.rates.set(context, input) };
  }
}
