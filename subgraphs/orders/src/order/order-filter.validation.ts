import { InputCheck, isUuid } from '@marketplace/kit';
import type { OrderFilter } from './order.inputs';
import type { OrderStatus } from './order.type';

/** An email is at most 254 characters (RFC 5321), and so is anything worth searching for. */
export const MAX_SEARCH_LENGTH = 254;

/** Digits of an order number shown on receipts: `MP-` and at least 6, zero-padded. */
const NUMBER_DIGITS = 6;

/** What the search text means. */
export type OrderSearch =
  { by: 'number'; exact: string } | { by: 'numberPrefix'; prefix: string } | { by: 'email'; prefix: string };

/** A filter checked and normalised: what the SQL is built from. */
export interface CheckedOrderFilter {
  search: OrderSearch | null;
  status: OrderStatus | null;
  vendorId: string | null;
  productId: string | null;
  createdAfter: Date | null;
  createdBefore: Date | null;
  minTotal: { amount: number; currency: string } | null;
}

/** Every problem of the filter at once (BAD_USER_INPUT with `filter.<field>`), else the normalised filter. */
export function checkOrderFilter(filter: OrderFilter | null | undefined): CheckedOrderFilter {
  const check = new InputCheck();
  const text =
    filter?.search == null
      ? ''
      : check.singleLineText('filter.search', filter.search, MAX_SEARCH_LENGTH, { optional: true });
  for (const field of ['vendorId', 'productId'] as const) {
    const id = filter?.[field];
    if (id != null && !isUuid(id)) check.add(`filter.${field}`, 'must be an id this API handed out');
  }
  const after = filter?.createdAfter ?? null;
  const before = filter?.createdBefore ?? null;
  if (after && before && after.getTime() > before.getTime())
    check.add('filter.createdBefore', 'must not be before createdAfter');
  const minTotal = filter?.minTotal ? check.money('filter.minTotal', filter.minTotal) : null;
  check.done();
  return {
    search: text ? searchOf(text) : null,
    status: filter?.status ?? null,
    vendorId: filter?.vendorId ?? null,
    productId: filter?.productId ?? null,
    createdAfter: after,
    createdBefore: before,
    minTotal,
  };
}

/**
 * `MP-000123` or its beginning `MP-0001` (any case) is an order number or the numbers it
 * begins; digits alone are one too, except that fewer than 6 (`123`) mean the number they pad
 * to (MP-000123), as people read numbers off receipts. Anything else is an email or its beginning.
 */
function searchOf(text: string): OrderSearch {
  const prefixed = /^mp-(\d+)$/i.exec(text);
  if (prefixed) return { by: 'numberPrefix', prefix: `MP-${prefixed[1]}` };
  if (/^\d+$/.test(text)) {
    return text.length < NUMBER_DIGITS
      ? { by: 'number', exact: `MP-${text.padStart(NUMBER_DIGITS, '0')}` }
      : { by: 'numberPrefix', prefix: `MP-${text}` };
  }
  return { by: 'email', prefix: text.toLowerCase() };
}
