/** Minor units per major unit of the currencies the marketplace prices in (all have two decimals). */
const MINOR_DIGITS: Record<string, number> = { USD: 2, EUR: 2, GBP: 2 };

/** `123456` EUR → `1,234.56 EUR`, exactly (see formatAmount). */
export function formatMoney(amount: number, currency: string): string {
  return `${formatAmount(amount, currency)} ${currency}`;
}

/**
 * `123456` EUR → `1,234.56`, exactly: integer division and remainder on minor units, never a
 * float. Negative amounts keep their sign in front.
 */
export function formatAmount(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new Error(`not an amount in minor units: ${amount}`);
  const digits = MINOR_DIGITS[currency] ?? 2;
  const scale = 10 ** digits;
  // `%` of integers is exact, and so is dividing the multiple of `scale` that is left.
  const minor = Math.abs(amount) % scale;
  const whole = (Math.abs(amount) - minor) / scale;
  const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits ? `.${String(minor).padStart(digits, '0')}` : '';
  return `${amount < 0 ? '-' : ''}${grouped}${fraction}`;
}

/** Basis points as a percentage, exactly: `2000` → `20%`, `2150` → `21.5%`, `55` → `0.55%`. */
export function formatRate(rateBps: number): string {
  const whole = (rateBps - (rateBps % 100)) / 100;
  const fraction = String(rateBps % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''}%`;
}
