import { TestSubgraph, outboxOf, tokenFor } from '@marketplace/kit/testing';
import { randomUUID } from 'node:crypto';
import { admin, customer, startOrders } from '../testing';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const SET = `mutation($input: SetTaxRateInput!) { setTaxRate(input: $input) { taxRate { country rateBps name updatedAt } } }`;
const RATES = `{ taxRates { country rateBps name } }`;

describe('taxRates', () => {
  it("starts with the EU member states' standard VAT rates, readable by anyone", async () => {
    const { taxRates } = await orders.client.data<{ taxRates: { country: string; rateBps: number; name: string }[] }>(
      RATES,
    );
    expect(taxRates.length).toBeGreaterThanOrEqual(27);
    expect(taxRates).toEqual(
      expect.arrayContaining([
        { country: 'DE', rateBps: 1900, name: 'VAT' },
        { country: 'FI', rateBps: 2550, name: 'VAT' },
        { country: 'HU', rateBps: 2700, name: 'VAT' },
      ]),
    );
    expect(taxRates.map((rate) => rate.country)).toEqual([...taxRates.map((rate) => rate.country)].sort());
  });
});

describe('setTaxRate', () => {
  it('lets an admin set a rate, upper-casing the country, and audits the change', async () => {
    const token = admin();
    const { setTaxRate } = await orders.client.data<{
      setTaxRate: { taxRate: { country: string; rateBps: number; name: string } };
    }>(SET, { variables: { input: { country: 'ch', rateBps: 810, name: ' MWST ' } }, token });
    expect(setTaxRate.taxRate).toMatchObject({ country: 'CH', rateBps: 810, name: 'MWST' });
    await orders.client.data(SET, { variables: { input: { country: 'CH', rateBps: 800, name: 'MWST' } }, token });
    const audit = (await outboxOf(orders, 'CH')).filter((event) => event.type === 'audit.recorded');
    expect(audit.map((event) => event.payload)).toEqual([
      expect.objectContaining({
        action: 'TAX_RATE_CHANGED',
        targetType: 'TaxRate',
        before: null,
        after: { rateBps: 810, name: 'MWST' },
      }),
      expect.objectContaining({ before: { rateBps: 810, name: 'MWST' }, after: { rateBps: 800, name: 'MWST' } }),
    ]);
  });

  it.each([
    ['anonymous', undefined, 'UNAUTHENTICATED'],
    ['a customer', () => customer(), 'FORBIDDEN'],
    ['a vendor', () => tokenFor(randomUUID(), 'VENDOR'), 'FORBIDDEN'],
  ])('refuses %s with %s', async (_who, token, code) => {
    const result = await orders.client.request(SET, {
      variables: { input: { country: 'DE', rateBps: 0, name: 'VAT' } },
      token: token?.(),
    });
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(result.data?.setTaxRate ?? null).toBeNull();
  });

  it.each([
    [{ country: 'XX', rateBps: 100, name: 'VAT' }, 'input.country'],
    [{ country: 'DEU', rateBps: 100, name: 'VAT' }, 'input.country'],
    [{ country: 'DE', rateBps: -1, name: 'VAT' }, 'input.rateBps'],
    [{ country: 'DE', rateBps: 10_001, name: 'VAT' }, 'input.rateBps'],
    [{ country: 'DE', rateBps: 100, name: '' }, 'input.name'],
    [{ country: 'DE', rateBps: 100, name: 'x'.repeat(41) }, 'input.name'],
  ])('refuses %j with BAD_USER_INPUT on %s and changes nothing', async (input, field) => {
    const result = await orders.client.request(SET, { variables: { input }, token: admin() });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [expect.objectContaining({ field })],
    });
    const { taxRates } = await orders.client.data<{ taxRates: { country: string; rateBps: number }[] }>(RATES);
    expect(taxRates.find((rate) => rate.country === 'DE')?.rateBps).toBe(1900);
  });
});
