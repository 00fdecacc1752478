import { EU_MEMBER_STATES, taxTreatment } from './tax.rules';

const VAT_20 = { rateBps: 2000, name: 'VAT' };

describe('taxTreatment', () => {
  it('lists the 27 member states', () => {
    expect(EU_MEMBER_STATES.size).toBe(27);
  });

  it("charges a consumer their country's rate", () => {
    expect(taxTreatment({ country: 'FR' }, VAT_20, 'IE')).toEqual({ rateBps: 2000, reverseCharge: false, name: 'VAT' });
  });

  it('reverse charges a business with a VAT id in another member state than the seller', () => {
    expect(taxTreatment({ country: 'FR', vatId: 'FR40303265045' }, VAT_20, 'IE')).toEqual({
      rateBps: 0,
      reverseCharge: true,
      name: 'VAT',
    });
  });

  it("charges a business in the seller's own member state the domestic rate", () => {
    expect(taxTreatment({ country: 'IE', vatId: 'IE6388047V' }, { rateBps: 2300, name: 'VAT' }, 'IE')).toEqual({
      rateBps: 2300,
      reverseCharge: false,
      name: 'VAT',
    });
  });

  it("charges a business outside the EU its country's rate from the table, if any", () => {
    expect(taxTreatment({ country: 'GB', vatId: 'GB980780684' }, VAT_20, 'IE')).toMatchObject({
      rateBps: 2000,
      reverseCharge: false,
    });
    expect(taxTreatment({ country: 'US' }, null, 'IE')).toEqual({ rateBps: 0, reverseCharge: false, name: null });
  });

  it('names no tax for a country whose rate is 0', () => {
    expect(taxTreatment({ country: 'US' }, { rateBps: 0, name: 'Sales tax' }, 'IE').name).toBeNull();
  });
});
