import { randomUUID } from 'node:crypto';
import { Events, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, person } from '@marketplace/kit/testing';
import { nextDocumentNumber } from '../numbering/document-number.store';
import { line, orderPaid, startBilling } from '../testing';

/** Gapless numbers per series and year, under concurrency and rollbacks (a fresh database: the series start at 1). */
let billing: TestSubgraph;
beforeAll(async () => {
  billing = await startBilling();
});
afterAll(() => billing.close());

const year = new Date().getUTCFullYear();
const sequences = (numbers: string[]) => numbers.map((number) => Number(number.slice(-6))).sort((a, b) => a - b);
const oneTo = (n: number) => Array.from({ length: n }, (_, index) => index + 1);

it('50 concurrent order.paid handlings get INV-<year>-000001 … 000050 exactly, issue times in number order', async () => {
  const orders = oneTo(50).map(() => orderPaid(person().id, [line(randomUUID(), 'Agent', 1_000, 0, 2_000)]));
  await Promise.all(orders.map((order) => deliverEvent(billing, Events.OrderPaid, order, {}).then(() => undefined)));
  const rows = await queryRows<{ number: string; issuedAt: Date }>(
    billing.subgraph.deps.db,
    `SELECT number, issued_at AS "issuedAt" FROM invoices ORDER BY number`,
  );
  expect(rows.map((row) => row.number)).toEqual(oneTo(50).map((n) => `INV-${year}-${String(n).padStart(6, '0')}`));
  const times = rows.map((row) => row.issuedAt.getTime());
  expect([...times].sort((a, b) => a - b)).toEqual(times);
});

it('a rolled-back document gives its number back; each series counts on its own', async () => {
  const db = billing.subgraph.deps.db;
  const attempts = await Promise.allSettled(
    oneTo(20).map((n) =>
      db.transaction(async (manager) => {
        const { number } = await nextDocumentNumber(manager, 'CN');
        if (n % 3 === 0) throw new Error('rolled back');
        return number;
      }),
    ),
  );
  const kept = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []));
  expect(kept).toHaveLength(14);
  expect(sequences(kept)).toEqual(oneTo(14));
  expect(kept.every((number) => number.startsWith(`CN-${year}-`))).toBe(true);
  const counters = await queryRows(db, `SELECT series, year, last FROM document_counters ORDER BY series`);
  expect(counters).toEqual([
    { series: 'CN', year, last: 14 },
    { series: 'INV', year, last: 50 },
  ]);
});
