import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 20 (operator console): what the admin's `orders(filter)` searches by and what
 * `Order.timeline` lists.
 *
 * - `customers`: the email of each user, kept from `user.registered` (orders never reads the
 *   users subgraph's tables). Users who registered before this replica existed have no row
 *   until an event tells orders their email; their orders are still found by number.
 * - `order_timeline`: one row per thing that happened to an order, written by orders itself
 *   (status changes, in the transaction of the change) or from the events of payments and
 *   licensing. Backfilled here from the status history already kept.
 * - Indexes for each filter the console combines with "newest first", and counts per status
 *   (kept by a trigger, folded by the expiry job) for the counts that would otherwise read
 *   every order.
 */
export class OrderSearchAndTimeline1800200000000 implements MigrationInterface {
  name = 'OrderSearchAndTimeline1800200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE customers (
        user_id uuid PRIMARY KEY,
        -- Lower case: emails are matched without regard to case.
        email text NOT NULL CHECK (email <> '' AND email = lower(email)),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    // Exact and prefix matches of an email (LIKE 'abc%' needs pattern ops under any collation).
    await db.query(`CREATE INDEX customers_email_idx ON customers (email text_pattern_ops)`);

    // The unfiltered list and date ranges: newest first across all customers.
    await db.query(`CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC)`);
    // One status (with or without a date range), newest first.
    await db.query(`CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC, id DESC)`);
    // Order numbers: exact and prefix matches.
    await db.query(`CREATE INDEX orders_number_pattern_idx ON orders (number text_pattern_ops)`);
    // Vendor and product filters go through the lines; the primary key (order_id, product_id) serves neither.
    await db.query(`CREATE INDEX order_items_vendor_idx ON order_items (vendor_id, order_id)`);
    await db.query(`CREATE INDEX order_items_product_idx ON order_items (product_id, order_id)`);

    // totalCount of the whole list or of one status without counting 100,000 rows. A trigger
    // appends each change's +1/-1 in its transaction: inserts only, so concurrent changes (the
    // expiry job's batches on several replicas) never wait on or deadlock over a counter row.
    // The expiry job folds the changes into the counts now and then; a read adds both.
    await db.query(`CREATE TABLE order_status_counts (status text PRIMARY KEY, count bigint NOT NULL)`);
    await db.query(`
      CREATE TABLE order_status_count_changes (
        id bigserial PRIMARY KEY,
        status text NOT NULL,
        delta smallint NOT NULL CHECK (delta IN (-1, 1))
      )`);
    await db.query(`
      CREATE FUNCTION order_status_counts_keep() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          INSERT INTO order_status_count_changes (status, delta) VALUES (OLD.status, -1);
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
          INSERT INTO order_status_count_changes (status, delta) VALUES (NEW.status, 1);
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(
      `CREATE TRIGGER orders_status_counts_rows AFTER INSERT OR DELETE ON orders FOR EACH ROW EXECUTE FUNCTION order_status_counts_keep()`,
    );
    await db.query(
      `CREATE TRIGGER orders_status_counts_moves AFTER UPDATE OF status ON orders FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION order_status_counts_keep()`,
    );
    // Two folds at once count each change once: the second's DELETE skips the rows the first removed.
    await db.query(`
      CREATE FUNCTION order_status_counts_fold() RETURNS void LANGUAGE sql SET search_path FROM CURRENT AS $$
        WITH folded AS (DELETE FROM order_status_count_changes RETURNING status, delta)
        INSERT INTO order_status_counts (status, count) SELECT status, sum(delta) FROM folded GROUP BY status
        ON CONFLICT (status) DO UPDATE SET count = order_status_counts.count + EXCLUDED.count
      $$`);
    await db.query(
      `INSERT INTO order_status_counts (status, count) SELECT status, count(*) FROM orders GROUP BY status`,
    );

    await db.query(`
      CREATE TABLE order_timeline (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        kind text NOT NULL CHECK (kind IN ('STATUS_CHANGED', 'PAYMENT_ATTEMPT_STARTED', 'WEBHOOK_RECEIVED', 'REFUND_REQUESTED', 'LICENSE_ISSUED', 'LICENSE_REVOKED', 'DISPUTE_OPENED', 'DISPUTE_CLOSED')),
        -- The status entered, for STATUS_CHANGED only.
        status text CHECK ((kind = 'STATUS_CHANGED') = (status IS NOT NULL)),
        summary text NOT NULL CHECK (summary <> '' AND length(summary) <= 500),
        actor_kind text NOT NULL CHECK (actor_kind IN ('USER', 'PAYMENT_PROVIDER', 'SYSTEM')),
        -- A user acting; null also for an admin the backfill cannot name (CANCELLED_BY_ADMIN kept no id).
        actor_user_id uuid CHECK (actor_kind = 'USER' OR actor_user_id IS NULL),
        actor_role text CHECK (actor_role IN ('CUSTOMER', 'VENDOR', 'ADMIN')),
        -- The event an entry was made from: a redelivery never adds it twice.
        source_event_id uuid UNIQUE
      )`);
    await db.query(`CREATE INDEX order_timeline_order_idx ON order_timeline (order_id, at, id)`);

    // Backfill: the status changes kept so far. The customer caused the checkout and their own
    // cancellations; an admin cancelled for CANCELLED_BY_ADMIN, but which admin was not kept (no user id).
    await db.query(`
      INSERT INTO order_timeline (order_id, at, kind, status, summary, actor_kind, actor_user_id, actor_role)
      SELECT h.order_id, h.at, 'STATUS_CHANGED', h.to_status,
             CASE h.reason
               WHEN 'CHECKOUT' THEN 'Order placed at checkout'
               WHEN 'PAYMENT_SUCCEEDED' THEN 'Paid: the payment succeeded'
               WHEN 'PAYMENT_FAILED' THEN 'Payment failed'
               WHEN 'PAYMENT_REFUNDED' THEN 'Refunded'
               WHEN 'LICENSES_ISSUED' THEN 'Fulfilled: every line has its license'
               WHEN 'CANCELLED_BY_CUSTOMER' THEN 'Cancelled by the customer'
               WHEN 'CANCELLED_BY_ADMIN' THEN 'Cancelled by an admin'
               WHEN 'PAYMENT_TIMEOUT' THEN 'Cancelled: unpaid for too long'
               ELSE 'Status changed to ' || h.to_status
             END,
             CASE
               WHEN h.reason IN ('CHECKOUT', 'CANCELLED_BY_CUSTOMER', 'CANCELLED_BY_ADMIN') THEN 'USER'
               WHEN h.reason IN ('PAYMENT_SUCCEEDED', 'PAYMENT_FAILED', 'PAYMENT_REFUNDED') THEN 'PAYMENT_PROVIDER'
               ELSE 'SYSTEM'
             END,
             CASE WHEN h.reason IN ('CHECKOUT', 'CANCELLED_BY_CUSTOMER') THEN o.user_id END,
             CASE WHEN h.reason IN ('CHECKOUT', 'CANCELLED_BY_CUSTOMER') THEN 'CUSTOMER'
                  WHEN h.reason = 'CANCELLED_BY_ADMIN' THEN 'ADMIN' END
      FROM order_status_history h JOIN orders o ON o.id = h.order_id
      ORDER BY h.order_id, h.id`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE order_timeline');
    await db.query('DROP TRIGGER orders_status_counts_moves ON orders');
    await db.query('DROP TRIGGER orders_status_counts_rows ON orders');
    await db.query('DROP FUNCTION order_status_counts_fold()');
    await db.query('DROP FUNCTION order_status_counts_keep()');
    await db.query('DROP TABLE order_status_count_changes');
    await db.query('DROP TABLE order_status_counts');
    await db.query('DROP INDEX order_items_product_idx');
    await db.query('DROP INDEX order_items_vendor_idx');
    await db.query('DROP INDEX orders_number_pattern_idx');
    await db.query('DROP INDEX orders_status_created_idx');
    await db.query('DROP INDEX orders_created_idx');
    await db.query('DROP TABLE customers');
  }
}
