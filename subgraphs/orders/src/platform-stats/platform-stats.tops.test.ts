import { randomUUID } from 'node:crypto';
import type { CurrencyCode } from '@marketplace/kit';
import { TestSubgraph, sqlDuring } from '@marketplace/kit/testing';
import { startOrders } from '../testing';
import { TopList, TopRow, TopSellers } from './platform-stats.tops';

/**
 * The top lists search candidates from each month's ranking and prove them with a bound
 * (platform-stats.tops.ts). Checked against a plain aggregate computed here, on a year of
 * rollup rows in two currencies: a popular few and a long tail in USD (the search settles),
 * and, in the first half of the year, EUR products that all sell alike (the bound cannot
 * settle, and the plain aggregate answers), with refunds and ties on net and gross.
 */
let orders: TestSubgraph;
let tops: TopSellers;
const lines: Line[] = [];
beforeAll(async () => {
  orders = await startOrders();
  tops = new TopSellers(orders.subgraph.deps.db);
  lines.push(...generate());
  await write(lines);
}, 60_000);
afterAll(() => orders.close());

interface Line {
  day: string;
  currency: 'USD' | 'EUR';
  productId: string;
  vendorId: string;
  gross: number;
  refunds: number;
}

const YEAR = 2033;
const VENDORS = Array.from({ length: 12 }, () => randomUUID());
const PRODUCTS = Array.from({ length: 400 }, (_, i) => ({ id: randomUUID(), vendorId: VENDORS[i % VENDORS.length] }));
const PRICES = [500, 1000, 1000, 2500];

/** Deterministic: a linear congruential sequence, so that a failure can be replayed. */
function generate(): Line[] {
  let seed = 20;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const generated: Line[] = [];
  for (let day = 0; day < 365; day++) {
    const date = new Date(Date.UTC(YEAR, 0, 1 + day)).toISOString().slice(0, 10);
    for (let sale = 0; sale < 12; sale++) {
      // Squared: low product numbers sell far more often (a popular few, a long tail).
      const index = Math.floor((next(1000) / 1000) ** 2 * PRODUCTS.length);
      const gross = PRICES[next(PRICES.length)];
      generated.push({ day: date, currency: 'USD', ...product(index), gross, refunds: next(5) === 0 ? gross : 0 });
    }
    // EUR, in the first half of the year: 100 products in turn, 4 a day at one price: nobody stands out.
    if (day < 180)
      for (let sale = 0; sale < 4; sale++)
        generated.push({ day: date, currency: 'EUR', ...product((day * 4 + sale) % 100), gross: 700, refunds: 0 });
  }
  return generated;
}

const product = (index: number) => ({ productId: PRODUCTS[index].id, vendorId: PRODUCTS[index].vendorId });

/** The rollup rows those lines make (as the history trigger would write them). */
async function write(all: Line[]): Promise<void> {
  const sum = <K extends string>(keyOf: (line: Line) => K) => {
    const sums = new Map<K, { line: Line; gross: number; refunds: number; count: number; refundCount: number }>();
    for (const line of all) {
      const entry = sums.get(keyOf(line)) ?? { line, gross: 0, refunds: 0, count: 0, refundCount: 0 };
      entry.gross += line.gross;
      entry.refunds += line.refunds;
      entry.count += 1;
      entry.refundCount += line.refunds > 0 ? 1 : 0;
      sums.set(keyOf(line), entry);
    }
    return [...sums.values()];
  };
  const db = orders.subgraph.deps.db;
  const month = (day: string) => `${day.slice(0, 7)}-01`;
  const insert = async (table: string, columns: string[], types: string[], rows: unknown[][]) =>
    db.query(
      `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`,
      columns.map((_, i) => rows.map((row) => row[i])),
    );
  const days = sum((l) => `${l.day}|${l.currency}`);
  await insert(
    'order_daily',
    ['day', 'currency', 'gross', 'order_count', 'refunds', 'refund_count'],
    ['date', 'text', 'bigint', 'int', 'bigint', 'int'],
    days.map((d) => [d.line.day, d.line.currency, d.gross, d.count, d.refunds, d.refundCount]),
  );
  const products = sum((l) => `${l.day}|${l.currency}|${l.productId}`);
  await insert(
    'order_daily_products',
    ['day', 'currency', 'product_id', 'vendor_id', 'gross', 'order_count', 'refunds', 'refund_count'],
    ['date', 'text', 'uuid', 'uuid', 'bigint', 'int', 'bigint', 'int'],
    products.map((p) => [
      p.line.day,
      p.line.currency,
      p.line.productId,
      p.line.vendorId,
      p.gross,
      p.count,
      p.refunds,
      p.refundCount,
    ]),
  );
  const vendors = sum((l) => `${l.day}|${l.currency}|${l.vendorId}`);
  await insert(
    'order_daily_vendors',
    ['day', 'currency', 'vendor_id', 'gross', 'line_count', 'refunds', 'refund_count'],
    ['date', 'text', 'uuid', 'bigint', 'int', 'bigint', 'int'],
    vendors.map((v) => [v.line.day, v.line.currency, v.line.vendorId, v.gross, v.count, v.refunds, v.refundCount]),
  );
  const monthly = sum((l) => `${month(l.day)}|${l.currency}|${l.productId}`);
  await insert(
    'order_monthly_products',
    ['month', 'currency', 'product_id', 'vendor_id', 'gross'],
    ['date', 'text', 'uuid', 'uuid', 'bigint'],
    monthly.map((m) => [month(m.line.day), m.line.currency, m.line.productId, m.line.vendorId, m.gross]),
  );
}

/** The answer by definition: every seller of the period summed and sorted. */
function expected(list: TopList, from: string, to: string, first: number): TopRow[] {
  const sums = new Map<string, TopRow>();
  for (const line of lines.filter((l) => l.day >= from && l.day < to)) {
    const id = list === 'products' ? line.productId : line.vendorId;
    const row: TopRow = sums.get(`${line.currency}|${id}`) ?? {
      currency: line.currency as CurrencyCode,
      product_id: list === 'products' ? line.productId : null,
      vendor_id: line.vendorId,
      gross: '0',
      refunds: '0',
      line_count: 0,
    };
    row.gross = String(Number(row.gross) + line.gross);
    row.refunds = String(Number(row.refunds) + line.refunds);
    row.line_count += 1;
    sums.set(`${line.currency}|${id}`, row);
  }
  const key = list === 'products' ? 'product_id' : 'vendor_id';
  const net = (row: TopRow) => Number(row.gross) - Number(row.refunds);
  const sorted = [...sums.values()].sort(
    (a, b) =>
      a.currency.localeCompare(b.currency) ||
      net(b) - net(a) ||
      Number(b.gross) - Number(a.gross) ||
      (a[key]! < b[key]! ? -1 : 1),
  );
  return sorted.filter((row, index) => sorted.findIndex((r) => r.currency === row.currency) + first > index);
}

const date = (dayOfYear: number) => new Date(Date.UTC(YEAR, 0, 1 + dayOfYear)).toISOString().slice(0, 10);

describe('top sellers of a period', () => {
  const periods: [string, string][] = [
    [date(0), date(365)], // the whole year: twelve months' rankings
    [date(45), date(75)], // 30 days across a month's end
    [date(31), date(59)], // exactly February
    [date(200), date(201)], // one day
    [date(120), date(210)], // 90 days, four months
  ];

  it.each(periods.flatMap(([from, to]) => [1, 3, 10].map((first) => [from, to, first] as const)))(
    'equal the plain aggregate from %s to %s, %i per currency',
    async (from, to, first) => {
      for (const list of ['products', 'vendors'] as const)
        expect(await tops.best(list, from, to, first)).toEqual(expected(list, from, to, first));
    },
  );

  it('settle the popular few from the candidates in one statement', async () => {
    const [from, to] = [date(240), date(270)]; // USD only
    const { result, statements } = await sqlDuring(orders, () => tops.best('products', from, to, 3));
    expect(result).toEqual(expected('products', from, to, 3));
    expect(statements).toHaveLength(1);
  });

  it('answer with the plain aggregate when nobody stands out (the bound cannot rule the rest out)', async () => {
    // USD would settle, but one currency left open reopens the whole list.
    const [from, to] = [date(45), date(75)];
    const { result, statements } = await sqlDuring(orders, () => tops.best('products', from, to, 1));
    expect(result).toEqual(expected('products', from, to, 1));
    expect(statements.map((sql) => (sql.includes('listed') ? 'candidates' : 'everyone'))).toEqual([
      'candidates',
      'everyone',
    ]);
  });

  it('answer nothing for a period without sales', async () => {
    expect(await tops.best('products', '2030-01-01', '2030-02-01', 10)).toEqual([]);
    expect(await tops.best('vendors', '2030-01-01', '2030-02-01', 10)).toEqual([]);
  });
});
