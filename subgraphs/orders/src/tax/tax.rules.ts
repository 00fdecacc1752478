import { isValid } from 'i18n-iso-countries';
import type { TaxTreatment } from '../pricing/pricing.types';

/** An assigned ISO 3166-1 alpha-2 code in upper case (the library alone also takes lower case and alpha-3). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && isValid(code);
}

/** The EU member states (ISO 3166-1 alpha-2): where the EU's VAT rules for digital services apply. */
export const EU_MEMBER_STATES: ReadonlySet<string> = new Set([
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
]);

/** A rate of the admin's table: what the tax is called and how much it is. */
export interface CountryRate {
  rateBps: number;
  name: string;
}

/**
 * How an order of digital goods is taxed (the EU's place-of-supply rule for electronic
 * services: the buyer's country). A business in an EU member state other than the seller's,
 * with a well-formed VAT id of that state, accounts for the VAT itself (reverse charge: 0 %,
 * noted on the invoice). Everyone else pays their country's rate from the table; a country
 * without a rate pays none.
 */
export function taxTreatment(
  buyer: { country: string; vatId?: string | null },
  rate: CountryRate | null,
  sellerCountry: string,
): TaxTreatment {
  const reverseCharge = Boolean(buyer.vatId) && EU_MEMBER_STATES.has(buyer.country) && buyer.country !== sellerCountry;
  if (reverseCharge) return { rateBps: 0, reverseCharge, name: rate?.name ?? 'VAT' };
  return { rateBps: rate?.rateBps ?? 0, reverseCharge, name: rate && rate.rateBps > 0 ? rate.name : null };
}
