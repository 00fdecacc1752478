import {
  InputCheck,
  Outbox,
  RequestContext,
  queryRows,
  recordAudit,
  requestOrigin,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { SetTaxRateInput } from './tax-rate.inputs';
import { TaxRate } from './tax-rate.type';
import { CountryRate, isCountryCode } from './tax.rules';

const COLUMNS = `country, rate_bps AS "rateBps", name, updated_at AS "updatedAt"`;
const NAME_MAX = 40;
const MAX_RATE_BPS = 10_000;

/** The admin's table of tax rates per country, read by checkout. */
export class TaxRateService {
  constructor(
    private readonly db: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** Every country with a rate, alphabetically. */
  list(): Promise<TaxRate[]> {
    return queryRows<TaxRate>(this.db, `SELECT ${COLUMNS} FROM tax_rates ORDER BY country`);
  }

  /** The rate of `country` at checkout, shared-locked so a change waits until the order is placed. */
  async rateOf(manager: EntityManager, country: string): Promise<CountryRate | null> {
    const [row] = await queryRows<CountryRate>(
      manager,
      `SELECT rate_bps AS "rateBps", name FROM tax_rates WHERE country = $1 FOR SHARE`,
      [country],
    );
    return row ?? null;
  }

  /** Admin: sets a country's rate for orders placed from now on (placed orders keep theirs); audited. */
  async set(context: RequestContext, input: SetTaxRateInput): Promise<TaxRate> {
    requireViewer(context);
    const check = new InputCheck();
    const country = input.country.trim().toUpperCase();
    if (!isCountryCode(country)) check.add('input.country', 'must be an ISO 3166-1 alpha-2 country code, e.g. DE');
    if (!Number.isInteger(input.rateBps) || input.rateBps < 0 || input.rateBps > MAX_RATE_BPS)
      check.add('input.rateBps', `must be a whole number of basis points from 0 to ${MAX_RATE_BPS}`);
    const name = check.singleLineText('input.name', input.name, NAME_MAX);
    check.done();
    return this.db.transaction(async (manager) => {
      const [before] = await queryRows<TaxRate>(
        manager,
        `SELECT ${COLUMNS} FROM tax_rates WHERE country = $1 FOR UPDATE`,
        [country],
      );
      const [rate] = await queryRows<TaxRate>(
        manager,
        `INSERT INTO tax_rates (country, rate_bps, name, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (country) DO UPDATE SET rate_bps = EXCLUDED.rate_bps, name = EXCLUDED.name, updated_by = EXCLUDED.updated_by, updated_at = now()
         RETURNING ${COLUMNS}`,
        [country, input.rateBps, name, context.viewer!.id],
      );
      await recordAudit(manager, this.outbox, requestOrigin(context), {
        action: 'TAX_RATE_CHANGED',
        targetType: 'TaxRate',
        targetId: country,
        before: before ? { rateBps: before.rateBps, name: before.name } : null,
        after: { rateBps: rate.rateBps, name: rate.name },
      });
      context.log.info({ country, rateBps: rate.rateBps }, 'tax rate set');
      return rate;
    });
  }
}
