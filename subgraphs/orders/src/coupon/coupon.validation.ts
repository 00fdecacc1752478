import { InputCheck, MAX_MONEY_INPUT_AMOUNT, MoneyInput, isUuid } from '@marketplace/kit';
import { CODE_PATTERN, normalizeCode } from './coupon.rules';
import type { CreateCouponInput } from './coupon.inputs';
import type { CouponRow } from './coupon.store';
import { CouponKind } from './coupon.type';

export const MAX_TARGETS = 100;
const MAX_CURRENCIES = 20;
/** A limit beyond any real campaign, within the column's int. */
const MAX_REDEMPTIONS = 1_000_000_000;

/** A createCoupon input checked and put in the shape stored. */
export type NewCoupon = Omit<CouponRow, 'id' | 'issuer' | 'vendorId' | 'redemptionCount' | 'active' | 'createdAt'>;

/** Every problem of a createCoupon input at once (BAD_USER_INPUT), or the coupon to store. */
export function checkNewCoupon(input: CreateCouponInput, now: Date): NewCoupon {
  const check = new InputCheck();
  const code = normalizeCode(input.code);
  if (!CODE_PATTERN.test(code)) check.add('input.code', 'must be 3 to 32 of the characters A-Z 0-9 _ -');

  let percentOffBps: number | null = null;
  let amountsOff: Record<string, number> | null = null;
  if (input.kind === CouponKind.PERCENTAGE) {
    if (input.amountsOff != null) check.add('input.amountsOff', 'is for FIXED_AMOUNT coupons only');
    const bps = input.percentOffBps;
    if (bps == null) check.add('input.percentOffBps', 'is required for a PERCENTAGE coupon');
    else if (!Number.isInteger(bps) || bps < 1 || bps > 10_000)
      check.add('input.percentOffBps', 'must be a whole number of basis points from 1 to 10000');
    else percentOffBps = bps;
  } else {
    if (input.percentOffBps != null) check.add('input.percentOffBps', 'is for PERCENTAGE coupons only');
    if (!input.amountsOff || input.amountsOff.length === 0)
      check.add('input.amountsOff', 'needs at least one amount for a FIXED_AMOUNT coupon');
    else amountsOff = perCurrency(check, 'input.amountsOff', input.amountsOff);
  }
  const minimumSubtotals = perCurrency(check, 'input.minimumSubtotals', input.minimumSubtotals ?? []);
  const offered = amountsOff;
  if (offered && !check.has('input.amountsOff'))
    for (const currency of Object.keys(minimumSubtotals))
      if (offered[currency] === undefined)
        check.add('input.minimumSubtotals', `has ${currency}, for which amountsOff has no amount`);

  const productIds = ids(check, 'input.productIds', input.productIds ?? []);
  const categoryIds = ids(check, 'input.categoryIds', input.categoryIds ?? []);

  const startsAt = input.startsAt ?? now;
  const endsAt = input.endsAt ?? null;
  if (endsAt && endsAt <= now) check.add('input.endsAt', 'must be in the future');
  else if (endsAt && endsAt <= startsAt) check.add('input.endsAt', 'must be after startsAt');

  const max = input.maxRedemptions ?? null;
  if (max !== null && (!Number.isInteger(max) || max < 1 || max > MAX_REDEMPTIONS))
    check.add('input.maxRedemptions', `must be a whole number from 1 to ${MAX_REDEMPTIONS}`);
  const perCustomer = input.maxRedemptionsPerCustomer;
  if (!Number.isInteger(perCustomer) || perCustomer < 1 || perCustomer > MAX_REDEMPTIONS)
    check.add('input.maxRedemptionsPerCustomer', `must be a whole number from 1 to ${MAX_REDEMPTIONS}`);
  check.done();
  return {
    code,
    kind: input.kind,
    percentOffBps,
    amountsOff,
    minimumSubtotals,
    productIds,
    categoryIds,
    startsAt,
    endsAt,
    maxRedemptions: max,
    maxRedemptionsPerCustomer: perCustomer,
  };
}

/** One positive amount per currency. */
function perCurrency(check: InputCheck, field: string, amounts: MoneyInput[]): Record<string, number> {
  const byCurrency: Record<string, number> = {};
  if (amounts.length > MAX_CURRENCIES) check.add(field, `must hold at most ${MAX_CURRENCIES} amounts`);
  amounts.forEach((money, index) => {
    check.money(`${field}.${index}`, money, { min: 1, max: MAX_MONEY_INPUT_AMOUNT });
    if (byCurrency[money.currency] !== undefined) check.add(`${field}.${index}.currency`, 'is given twice');
    byCurrency[money.currency] = money.amount;
  });
  return byCurrency;
}

/** The ids as given (the schema's edge has checked each is an id of the right type); duplicates are dropped when stored. */
function ids(check: InputCheck, field: string, values: string[]): string[] {
  if (values.length > MAX_TARGETS) check.add(field, `must hold at most ${MAX_TARGETS} ids`);
  values.forEach((value, index) => {
    if (!isUuid(value)) check.add(`${field}.${index}`, 'must be an id the API answered');
  });
  return values;
}
