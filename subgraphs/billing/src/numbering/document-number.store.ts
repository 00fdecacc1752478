import { lockNameForTransaction, queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import { documentNumber } from '../invoice/invoice.rules';

/** The numbered series: invoices and credit notes, each gapless per calendar year. */
export type DocumentSeries = 'INV' | 'CN';

/**
 * The next number of `series` and the moment of issue, inside the document's transaction:
 * the series' lock is taken first and the time read after it, so numbers follow issue times
 * and the year of the number is the year of issue (UTC). The counter row is raised in the
 * same transaction, so a rollback gives the number back: no gaps, no duplicates.
 */
export async function nextDocumentNumber(
  manager: EntityManager,
  series: DocumentSeries,
): Promise<{ number: string; issuedAt: Date }> {
  await lockNameForTransaction(manager, `billing-series:${series}`);
  const [{ issuedAt }] = await queryRows<{ issuedAt: Date }>(manager, `SELECT clock_timestamp() AS "issuedAt"`);
  const year = issuedAt.getUTCFullYear();
  const [{ last }] = await queryRows<{ last: number }>(
    manager,
    `INSERT INTO document_counters (series, year, last) VALUES ($1, $2, 1)
     ON CONFLICT (series, year) DO UPDATE SET last = document_counters.last + 1
     RETURNING last`,
    [series, year],
  );
  return { number: documentNumber(series, year, last), issuedAt };
}
