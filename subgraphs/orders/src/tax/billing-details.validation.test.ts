import { InputCheck } from '@marketplace/kit';
import { billingDetailsOf } from './billing-details.validation';
import type { BillingDetailsInput } from './billing-details.type';

function problemsOf(input: BillingDetailsInput) {
  const check = new InputCheck();
  const billing = billingDetailsOf(check, 'input.billing', input);
  try {
    check.done();
    return { billing, problems: [] };
  } catch (error) {
    return { billing, problems: (error as { extensions: { fields: { field: string }[] } }).extensions.fields };
  }
}

describe('billingDetailsOf', () => {
  it('trims, upper-cases the country and normalizes the VAT id; leaves absent parts out', () => {
    expect(
      problemsOf({ name: '  Ada  ', country: ' fr ', businessName: ' Acme SAS ', vatId: 'fr 40-303.265.045' }),
    ).toEqual({
      billing: { name: 'Ada', country: 'FR', businessName: 'Acme SAS', vatId: 'FR40303265045' },
      problems: [],
    });
    expect(problemsOf({ name: 'Ada', country: 'US', businessName: '  ', vatId: null }).billing).toEqual({
      name: 'Ada',
      country: 'US',
    });
  });

  it('keeps a full address and leaves out empty optional lines', () => {
    expect(
      problemsOf({
        name: 'Ada',
        country: 'DE',
        address: { line1: 'Unter den Linden 1', line2: '', city: 'Berlin', postalCode: '10117', region: null },
      }).billing.address,
    ).toEqual({ line1: 'Unter den Linden 1', city: 'Berlin', postalCode: '10117' });
  });

  it.each([
    [{ name: '', country: 'DE' }, 'input.billing.name'],
    [{ name: 'x'.repeat(201), country: 'DE' }, 'input.billing.name'],
    [{ name: 'Ada', country: 'XX' }, 'input.billing.country'],
    [{ name: 'Ada', country: 'DEU' }, 'input.billing.country'],
    [{ name: 'Ada', country: '' }, 'input.billing.country'],
    [{ name: 'Ada', country: 'DE', vatId: 'DE123' }, 'input.billing.vatId'],
    [{ name: 'Ada', country: 'DE', vatId: 'DE136695977' }, 'input.billing.vatId'], // check digit wrong
    [{ name: 'Ada', country: 'DE', vatId: 'FR40303265045' }, 'input.billing.vatId'], // another country's
    [{ name: 'Ada', country: 'DE', vatId: 'X'.repeat(31) }, 'input.billing.vatId'],
    [{ name: 'Ada', country: 'DE', businessName: 'a\u0007b' }, 'input.billing.businessName'],
    [{ name: 'Ada', country: 'DE', address: { line1: '', city: 'Berlin' } }, 'input.billing.address.line1'],
    [{ name: 'Ada', country: 'DE', address: { line1: 'x', city: '' } }, 'input.billing.address.city'],
    [
      { name: 'Ada', country: 'DE', address: { line1: 'x', city: 'y', postalCode: '1'.repeat(21) } },
      'input.billing.address.postalCode',
    ],
  ])('refuses %j on %s', (input, field) => {
    expect(problemsOf(input as BillingDetailsInput).problems.map((problem) => problem.field)).toEqual([field]);
  });

  it('accepts a Greek VAT id (prefix EL) for country GR', () => {
    expect(problemsOf({ name: 'Ada', country: 'GR', vatId: 'EL094259216' }).problems).toEqual([]);
  });
});
