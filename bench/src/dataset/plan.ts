import type { EntityManager } from 'typeorm';
import { LEAVES } from './categories';
import { DatasetCounts, datasetCounts } from './model';
import { DAY, HOUR, MINUTE, hash, id, intArray, pick, pickText, quote, textArray } from './sql';
import {
  ADJECTIVES,
  AUDIENCES,
  CLOSERS,
  GENERAL_TAGS,
  MAX_ACTIVATIONS,
  NOUNS,
  OBJECTS,
  PRICES,
  REJECTION_REASONS,
  REVIEW_BODIES,
  VENDOR_BIOS,
  VENDOR_PREFIXES,
  VENDOR_SUFFIXES,
  VERBS,
} from './vocabulary';

/** The timeline, in epoch milliseconds, and the counts every subgraph's statements share. */
export class Plan {
  readonly c: DatasetCounts;
  readonly anchor: number;
  readonly vendorUsersFrom: number;
  readonly vendorUsersSpan = 150 * DAY;
  readonly customersFrom: number;
  readonly customersSpan = 530 * DAY;
  readonly publishedFrom: number;
  readonly publishedSpan = 539 * DAY;
  readonly tailFrom: number;
  readonly tailSpan = 59 * DAY;
  readonly ordersFrom: number;
  readonly ordersSpan = 365 * DAY - 2 * HOUR;

  constructor(
    scale: number,
    anchor: Date,
    readonly commissionBps: number,
    readonly holdDays: number,
  ) {
    this.c = datasetCounts(scale);
    this.anchor = anchor.getTime();
    this.vendorUsersFrom = this.anchor - 700 * DAY;
    this.customersFrom = this.anchor - 540 * DAY;
    this.publishedFrom = this.anchor - 540 * DAY;
    this.tailFrom = this.anchor - 60 * DAY;
    this.ordersFrom = this.anchor - 365 * DAY;
  }

  get tail() {
    return this.c.products - this.c.sellableProducts;
  }

  /** User number g (1…users): vendors' owners first, then admins, then customers. */
  userId(g: string) {
    return id('user', g);
  }

  leafTable(): string {
    const rows = LEAVES.map(
      (leaf, index) =>
        `(${index + 1}, '${leaf.id}'::uuid, ${leaf.kind ? quote(leaf.kind) : 'NULL'}, ${textArray(leaf.topics)})`,
    );
    return `CREATE TEMP TABLE bench_leaf ON COMMIT DROP AS SELECT * FROM (VALUES ${rows.join(', ')}) AS l(idx, id, kind, topics)`;
  }

  vendorTable(): string {
    const { vendors: V } = this.c;
    const name = `CASE WHEN k <= ${VENDOR_PREFIXES.length * VENDOR_SUFFIXES.length}
        THEN (${textArray(VENDOR_PREFIXES)})[1 + (k - 1) % ${VENDOR_PREFIXES.length}] || ' ' || (${textArray(VENDOR_SUFFIXES)})[1 + ((k - 1) / ${VENDOR_PREFIXES.length}) % ${VENDOR_SUFFIXES.length}]
        ELSE (${textArray(VENDOR_PREFIXES)})[1 + (k - 1) % ${VENDOR_PREFIXES.length}] || ' ' || (${textArray(VENDOR_SUFFIXES)})[1 + ((k - 1) / ${VENDOR_PREFIXES.length}) % ${VENDOR_SUFFIXES.length}] || ' ' || k END`;
    return `CREATE TEMP TABLE bench_vendors ON COMMIT DROP AS
      SELECT k, ${id('vendor', 'k')} AS id, ${this.userId('k')} AS user_id, name,
             lower(regexp_replace(name, '[^A-Za-z0-9]+', '-', 'g')) || '-' || k AS slug,
             ${pickText(VENDOR_BIOS, 'vbio', 'k')} AS bio,
             created_ms, created_ms + ${HOUR} AS applied_ms, created_ms + ${DAY} AS approved_ms
      FROM (SELECT k, ${name} AS name, (${this.vendorUsersFrom} + floor((k - 1)::float8 / ${V} * ${this.vendorUsersSpan}))::bigint AS created_ms
            FROM generate_series(1, ${V}) k) v`;
  }

  productTable(): string {
    const { products: P, sellableProducts: S, vendors: V } = this.c;
    const kindNoun = `CASE kind WHEN 'AGENT' THEN ${pickText(NOUNS.AGENT, 'pnoun', 'p')} WHEN 'WORKFLOW' THEN ${pickText(NOUNS.WORKFLOW, 'pnoun', 'p')} ELSE ${pickText(NOUNS.TOOL, 'pnoun', 'p')} END`;
    return `CREATE TEMP TABLE bench_products ON COMMIT DROP AS
      WITH base AS (
        SELECT p, p <= ${S} AS sellable, 1 + ${hash('pleaf', 'p')} % ${LEAVES.length} AS leaf, 1 + ${hash('pvendor', 'p')} % ${V} AS vendor_k,
               ${hash('pstatus', 'p')} % 100 AS status_r, ${hash('ptopic', 'p')} AS topic_h,
               CASE WHEN p <= ${S} THEN ${this.publishedFrom} + floor((p - 0.5) / ${S} * ${this.publishedSpan})
                    ELSE ${this.tailFrom} + floor((p - ${S} - 0.5) / ${Math.max(1, this.tail)} * ${this.tailSpan}) END::bigint AS at_ms
        FROM generate_series(1, ${P}) p
      ), shaped AS (
        SELECT b.*, l.id AS category_id, l.topics[1 + b.topic_h % cardinality(l.topics)] AS topic,
               coalesce(l.kind, ${pickText(['AGENT', 'WORKFLOW', 'TOOL'], 'pkind', 'p')}) AS kind,
               CASE WHEN sellable THEN 'PUBLISHED' WHEN status_r < 40 THEN 'DRAFT' WHEN status_r < 65 THEN 'IN_REVIEW' WHEN status_r < 80 THEN 'REJECTED' ELSE 'ARCHIVED' END AS status
        FROM base b JOIN bench_leaf l ON l.idx = b.leaf
      ), named AS (
        SELECT s.*, ${pickText(ADJECTIVES, 'padj', 'p')} || ' ' || topic || ' ' || ${kindNoun} AS name,
               CASE WHEN sellable THEN at_ms - (1 + ${hash('pcreated', 'p')} % 5) * ${DAY} ELSE at_ms END AS created_ms,
               CASE WHEN sellable THEN at_ms WHEN status = 'ARCHIVED' THEN at_ms + ${12 * HOUR} END AS published_ms
        FROM shaped s
      )
      SELECT p, sellable, ${id('product', 'p')} AS id, vendor_k, ${id('vendor', 'vendor_k')} AS vendor_id, category_id, kind, status, name,
             lower(regexp_replace(name, '[^A-Za-z0-9]+', '-', 'g')) || '-' || p AS slug,
             name || ' ' || lower(${pickText(VERBS, 'pverb', 'p')}) || ' ' || lower(topic) || ' ' || ${pickText(OBJECTS, 'pobj', 'p')}
               || ' for ' || ${pickText(AUDIENCES, 'paud', 'p')} || '. ' || ${pickText(CLOSERS, 'pclose', 'p')} AS description,
             ARRAY(SELECT DISTINCT t FROM unnest(ARRAY[lower(regexp_replace(topic, '[^A-Za-z0-9]+', '-', 'g')), lower(kind),
                   ${pickText(GENERAL_TAGS, 'ptag1', 'p')}, ${pickText(GENERAL_TAGS, 'ptag2', 'p')}]) t ORDER BY t) AS tags,
             ${pick(intArray(PRICES), PRICES.length, 'pprice', 'p')} AS price,
             ${pick(intArray(MAX_ACTIVATIONS), MAX_ACTIVATIONS.length, 'pmax', 'p')} AS max_activations,
             CASE status WHEN 'DRAFT' THEN 1 WHEN 'IN_REVIEW' THEN 2 WHEN 'ARCHIVED' THEN 4 ELSE 3 END AS revision,
             CASE WHEN status = 'REJECTED' THEN ${pickText(REJECTION_REASONS, 'preject', 'p')} END AS rejection_reason,
             30 + ${hash('pquality', 'p')} % 21 AS quality,
             created_ms, published_ms,
             CASE status WHEN 'PUBLISHED' THEN published_ms WHEN 'DRAFT' THEN created_ms WHEN 'IN_REVIEW' THEN created_ms + ${HOUR}
                         WHEN 'REJECTED' THEN created_ms + ${DAY} ELSE published_ms + (${this.anchor} - published_ms) / 2 END AS updated_ms
      FROM named`;
  }

  /** Orders (before their totals), one row per order with every moment of its life. */
  orderBaseTable(): string {
    const { orders: O, sellableProducts: S, customers: C, vendors: V, admins: A } = this.c;
    return `CREATE TEMP TABLE bench_order_base ON COMMIT DROP AS
      WITH base AS (
        SELECT o, (${this.ordersFrom} + floor(sqrt((o - 0.5) / ${O}) * ${this.ordersSpan}))::bigint AS created_ms,
               ${hash('ostatus', 'o')} % 1000 AS status_r, ${hash('olines', 'o')} % 100 AS lines_r, ${hash('op1', 'o')} AS p_h,
               ${hash('ostride', 'o')} AS stride_h, ${hash('ocustomer', 'o')} AS customer_h, ${hash('otime', 'o')} AS time_h
        FROM generate_series(1, ${O}) o
      ), limited AS (
        SELECT b.*, greatest(1, least(${S}, floor(${S} * (created_ms - ${this.publishedFrom})::float8 / ${this.publishedSpan})))::int AS pmax,
                    greatest(1, least(${C}, floor(${C} * (created_ms - ${this.customersFrom})::float8 / ${this.customersSpan})))::int AS cmax
        FROM base b
      ), timed AS (
        -- One order in ten comes from the earliest 1 % of customers: power buyers with pages of orders.
        SELECT l.*, ${V + A} + 1 + CASE WHEN customer_h % 10 = 0 THEN (customer_h / 10) % greatest(1, least(cmax, ${C} / 100)) ELSE customer_h % cmax END AS user_g,
               CASE WHEN status_r < 20 THEN 'REFUNDED' WHEN status_r < 35 THEN 'CANCELLED_CUSTOMER' WHEN status_r < 50 THEN 'CANCELLED_TIMEOUT'
                    WHEN status_r < 60 THEN 'PAYMENT_FAILED' ELSE 'FULFILLED' END AS kind,
               created_ms + 15000 + time_h % 30000 AS intent_ms
        FROM limited l
      ), paid AS (
        SELECT t.*, intent_ms + 20000 + (time_h / 30000) % 60000 AS paid_ms FROM timed t
      )
      SELECT o, ${id('order', 'o')} AS id, 'MP-' || lpad(o::text, 6, '0') AS number, 'bench:order:' || o AS idempotency_key,
             user_g, ${this.userId('user_g')} AS user_id, kind, pmax,
             least(pmax, CASE WHEN lines_r < 60 THEN 1 WHEN lines_r < 90 THEN 2 ELSE 3 END) AS lines,
             1 + floor(pmax * power(p_h / 4294967296.0, 2))::int AS p1,
             1 + stride_h % greatest(1, (pmax - 1) / 2) AS stride,
             ${id('payment', 'o')} AS payment_id,
             'pi_local_' || substr(md5('bench:intent:' || o), 1, 24) AS provider_ref,
             created_ms, intent_ms, paid_ms,
             paid_ms + 50 AS order_paid_ms, paid_ms + 150 AS issue_ms, paid_ms + 250 AS fulfilled_ms,
             paid_ms + least((1 + time_h % 14) * ${DAY}, (${this.anchor - HOUR} - paid_ms) / 2) AS refund_requested_ms,
             paid_ms + least((1 + time_h % 14) * ${DAY}, (${this.anchor - HOUR} - paid_ms) / 2) + 2000 AS refunded_ms,
             intent_ms + 30000 AS failed_ms,
             CASE WHEN kind = 'CANCELLED_CUSTOMER' THEN created_ms + 120000 + time_h % 1080000 ELSE created_ms + ${30 * MINUTE} + time_h % 60000 END AS cancelled_ms
      FROM paid`;
  }

  /** Order lines: distinct products of the order, all published before it was placed. */
  lineTable(): string {
    return `CREATE TEMP TABLE bench_lines ON COMMIT DROP AS
      SELECT o.o, o.id AS order_id, o.number, o.user_id, o.kind, l.position, pr.p, pr.id AS product_id, pr.vendor_id, pr.name, pr.price,
             pr.max_activations, pr.quality, ${id('license', "o.o || ':' || l.position")} AS license_id,
             o.payment_id, o.order_paid_ms, o.issue_ms, o.refunded_ms
      FROM bench_order_base o
      CROSS JOIN LATERAL generate_series(1, o.lines) AS l(position)
      JOIN bench_products pr ON pr.p = 1 + ((o.p1 - 1 + (l.position - 1) * o.stride) % o.pmax)`;
  }

  orderTable(): string {
    return `CREATE TEMP TABLE bench_orders ON COMMIT DROP AS
      SELECT b.*, t.total,
             CASE b.kind WHEN 'FULFILLED' THEN b.fulfilled_ms WHEN 'REFUNDED' THEN b.refunded_ms + 50 ELSE b.cancelled_ms END AS updated_ms
      FROM bench_order_base b JOIN (SELECT o, sum(price)::int AS total FROM bench_lines GROUP BY o) t USING (o)`;
  }

  /** About 30 % of the licenses of kept orders get a review, one per customer and product. */
  reviewTable(): string {
    const bodies = REVIEW_BODIES.map((list, index) => `WHEN ${index + 1} THEN ${pickText(list, 'rbody', 'key')}`).join(
      ' ',
    );
    return `CREATE TEMP TABLE bench_reviews ON COMMIT DROP AS
      SELECT ${id('review', 'key')} AS id, product_id, user_id AS author_id, rating, CASE rating ${bodies} END AS body,
             issue_ms + least((1 + ${hash('rtime', 'key')} % 20) * ${DAY}, (${this.anchor - HOUR} - issue_ms) / 2) AS created_ms
      FROM (
        SELECT DISTINCT ON (product_id, user_id) l.o || ':' || l.position AS key, l.product_id, l.user_id, l.issue_ms,
               greatest(1, least(5, round(l.quality / 10.0 + (${hash('rrating', "l.o || ':' || l.position")} % 100 - 60) / 40.0)))::smallint AS rating
        FROM bench_lines l
        WHERE l.kind = 'FULFILLED' AND ${hash('rpick', "l.o || ':' || l.position")} % 100 < 30
        ORDER BY product_id, user_id, l.o
      ) r`;
  }
}

/** Builds the shared temp tables a subgraph's statements read (what each subgraph derives alike). */
export async function canonical(
  manager: EntityManager,
  plan: Plan,
  upTo: 'vendors' | 'products' | 'orders' | 'reviews',
): Promise<void> {
  const run = async (sql: string, table: string, index?: string) => {
    await manager.query(sql);
    if (index) await manager.query(`CREATE INDEX ON ${table} (${index})`);
    await manager.query(`ANALYZE ${table}`);
  };
  await run(plan.vendorTable(), 'bench_vendors', 'k');
  if (upTo === 'vendors') return;
  await run(plan.leafTable(), 'bench_leaf');
  await run(plan.productTable(), 'bench_products', 'p');
  if (upTo === 'products') return;
  await run(plan.orderBaseTable(), 'bench_order_base', 'o');
  await run(plan.lineTable(), 'bench_lines', 'o, position');
  await run(plan.orderTable(), 'bench_orders', 'o');
  if (upTo === 'orders') return;
  await run(plan.reviewTable(), 'bench_reviews');
}
