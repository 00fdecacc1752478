import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LIST_PRICE, rollUp } from './1800700000000-order-rollups';
import { rollUpSellers } from './1800900000000-top-seller-rollups';

/** What the buyer paid for a line, discounts and tax included: what the order's gross counts too. */
const LINE_TOTAL = 'i.total';

/** The two roll-up trigger functions, counting each line at `lineAmount`. */
function rollUpFunctions(lineAmount: string): string[] {
  const body = (statements: string[]) => `BEGIN
        ${statements.join(';\n')};
        RETURN NULL;
      END`;
  return [
    `CREATE OR REPLACE FUNCTION order_status_history_roll_up() RETURNS trigger LANGUAGE plpgsql AS $$
      ${body(rollUp('new_history', 'add', lineAmount))} $$`,
    `CREATE OR REPLACE FUNCTION order_status_history_roll_up_sellers() RETURNS trigger LANGUAGE plpgsql AS $$
      ${body(rollUpSellers('new_history', 'add', lineAmount))} $$`,
  ];
}

/**
 * With coupons and tax (OrderMoney1801600000000) a line's list price is no longer what was paid
 * for it: the product and vendor rollups of `platformStats` count each line at its total, so a
 * product's or vendor's sales add up to the orders' gross. Orders placed before have no discount
 * and no tax (their total is their price): nothing recorded changes, so nothing is rebuilt.
 */
export class LineTotalRollups1801800000001 implements MigrationInterface {
  name = 'LineTotalRollups1801800000001';

  async up(db: QueryRunner): Promise<void> {
    for (const statement of rollUpFunctions(LINE_TOTAL)) await db.query(statement);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const statement of rollUpFunctions(LIST_PRICE)) await db.query(statement);
  }
}
