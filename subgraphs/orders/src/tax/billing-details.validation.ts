import { InputCheck } from '@marketplace/kit';
import { checkVAT, countries as vatCountries } from 'jsvat-next';
import type { BillingDetailsInput } from './billing-details.type';
import { isCountryCode } from './tax.rules';

/** Billing details as stored with the order (`orders.billing`) and carried by its events. */
export interface StoredBilling {
  name: string;
  country: string;
  businessName?: string;
  vatId?: string;
  address?: { line1: string; line2?: string; city: string; postalCode?: string; region?: string };
}

const NAME_MAX = 200;
const CITY_MAX = 100;
const POSTAL_CODE_MAX = 20;
/** The longest VAT id of any EU state is 14 characters; the prefix makes 16, separators aside. */
const VAT_ID_MAX = 30;

/**
 * Checks and normalizes billing details into `check` (problems under `path`): trimmed text,
 * an assigned ISO 3166-1 country (upper case), and a VAT id that is well-formed for its
 * country (format and check digits, by jsvat-next) and of the billing country.
 */
export function billingDetailsOf(check: InputCheck, path: string, input: BillingDetailsInput): StoredBilling {
  const name = check.singleLineText(`${path}.name`, input.name, NAME_MAX);
  const country = input.country.trim().toUpperCase();
  if (!isCountryCode(country)) check.add(`${path}.country`, 'must be an ISO 3166-1 alpha-2 country code, e.g. DE');
  const billing: StoredBilling = { name, country };
  const businessName = check.singleLineText(`${path}.businessName`, input.businessName ?? '', NAME_MAX, {
    optional: true,
  });
  if (businessName) billing.businessName = businessName;
  const vatId = (input.vatId ?? '').replace(/[\s.-]/g, '').toUpperCase();
  if (vatId) {
    const result = vatId.length <= VAT_ID_MAX ? checkVAT(vatId, vatCountries) : null;
    if (!result?.isValid)
      check.add(`${path}.vatId`, 'must be a well-formed VAT id with its country prefix, e.g. DE123456789');
    else if (!check.has(`${path}.country`) && result.country?.isoCode.short !== country)
      check.add(`${path}.vatId`, `must be a VAT id of the billing country ${country}`);
    billing.vatId = vatId;
  }
  if (input.address) {
    const at = `${path}.address`;
    const line1 = check.singleLineText(`${at}.line1`, input.address.line1, NAME_MAX);
    const line2 = check.singleLineText(`${at}.line2`, input.address.line2 ?? '', NAME_MAX, { optional: true });
    const city = check.singleLineText(`${at}.city`, input.address.city, CITY_MAX);
    const postalCode = check.singleLineText(`${at}.postalCode`, input.address.postalCode ?? '', POSTAL_CODE_MAX, {
      optional: true,
    });
    const region = check.singleLineText(`${at}.region`, input.address.region ?? '', CITY_MAX, { optional: true });
    billing.address = { line1, city };
    if (line2) billing.address.line2 = line2;
    if (postalCode) billing.address.postalCode = postalCode;
    if (region) billing.address.region = region;
  }
  return billing;
}
