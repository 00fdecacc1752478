import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Coupons (issue 23): the coupons vendors and admins create, the ones in carts, their
 * redemptions by orders and each order line's share of them; and the replica of vendors that
 * tells whose vendor a signed-in user runs.
 */
export class Coupons1801700000000 implements MigrationInterface {
  name = 'Coupons1801700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE vendors (
        -- The vendors subgraph owns vendors: this is its replica, kept from vendor.* events.
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        -- PENDING: known only from a vendor.updated that overtook the approval.
        status text NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED')),
        -- occurredAt of the status event applied ('-infinity' while PENDING): orders status events.
        status_changed_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX vendors_user_idx ON vendors (user_id)`);
    await db.query(`
      CREATE TABLE coupons (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Stored upper case: codes are case-insensitive, and unique for ever (deactivated ones included).
        code text NOT NULL CONSTRAINT coupons_code_key UNIQUE CHECK (code ~ '^[A-Z0-9_-]{3,32}$'),
        issuer text NOT NULL CHECK (issuer IN ('PLATFORM', 'VENDOR')),
        -- The vendor that funds a VENDOR coupon; only its products are discounted.
        vendor_id uuid REFERENCES vendors (id),
        kind text NOT NULL CHECK (kind IN ('PERCENTAGE', 'FIXED_AMOUNT')),
        percent_off_bps int CHECK (percent_off_bps BETWEEN 1 AND 10000),
        -- {"USD": 500, "EUR": 450}: minor units per currency.
        amounts_off jsonb,
        minimum_subtotals jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(minimum_subtotals) = 'object'),
        -- Empty both: every product the issuer may discount.
        product_ids uuid[] NOT NULL DEFAULT '{}',
        category_ids uuid[] NOT NULL DEFAULT '{}',
        starts_at timestamptz NOT NULL,
        ends_at timestamptz CHECK (ends_at > starts_at),
        max_redemptions int CHECK (max_redemptions >= 1),
        max_redemptions_per_customer int NOT NULL DEFAULT 1 CHECK (max_redemptions_per_customer >= 1),
        -- Redemptions of orders not cancelled: raised atomically at checkout, lowered when an order is cancelled.
        redemption_count int NOT NULL DEFAULT 0 CHECK (redemption_count >= 0),
        active boolean NOT NULL DEFAULT true,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        deactivated_at timestamptz,
        CHECK ((issuer = 'VENDOR') = (vendor_id IS NOT NULL)),
        CHECK ((kind = 'PERCENTAGE') = (percent_off_bps IS NOT NULL)),
        CHECK ((kind = 'FIXED_AMOUNT') = (amounts_off IS NOT NULL AND jsonb_typeof(amounts_off) = 'object')),
        CONSTRAINT coupons_redemption_limit CHECK (max_redemptions IS NULL OR redemption_count <= max_redemptions)
      )`);
    await db.query(`CREATE INDEX coupons_created_idx ON coupons (created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX coupons_vendor_created_idx ON coupons (vendor_id, created_at DESC, id DESC)`);
    await db.query(`
      CREATE TABLE cart_coupons (
        cart_id uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
        coupon_id uuid NOT NULL REFERENCES coupons (id),
        -- 'PLATFORM' or the vendor's id: a cart holds at most one coupon of each issuer.
        stack_key text NOT NULL,
        added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (cart_id, coupon_id),
        CONSTRAINT cart_coupons_stack_key UNIQUE (cart_id, stack_key)
      )`);
    await db.query(`
      CREATE TABLE coupon_redemptions (
        coupon_id uuid NOT NULL REFERENCES coupons (id),
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        redeemed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        -- Set when the order was cancelled (or expired unpaid): the redemption no longer counts.
        released_at timestamptz,
        PRIMARY KEY (coupon_id, order_id)
      )`);
    await db.query(`CREATE INDEX coupon_redemptions_order_idx ON coupon_redemptions (order_id)`);
    await db.query(
      `CREATE INDEX coupon_redemptions_customer_idx ON coupon_redemptions (coupon_id, user_id) WHERE released_at IS NULL`,
    );
    await db.query(`
      CREATE TABLE order_item_discounts (
        order_id uuid NOT NULL,
        product_id uuid NOT NULL,
        coupon_id uuid NOT NULL REFERENCES coupons (id),
        -- As at checkout, so the order reads the same whatever happens to the coupon.
        code text NOT NULL,
        issuer text NOT NULL CHECK (issuer IN ('PLATFORM', 'VENDOR')),
        amount int NOT NULL CHECK (amount > 0),
        PRIMARY KEY (order_id, product_id, coupon_id),
        -- Deferred: checkout may record the discounts before or after it writes the lines.
        FOREIGN KEY (order_id, product_id) REFERENCES order_items (order_id, product_id) ON DELETE CASCADE
          DEFERRABLE INITIALLY DEFERRED
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE order_item_discounts');
    await db.query('DROP TABLE coupon_redemptions');
    await db.query('DROP TABLE cart_coupons');
    await db.query('DROP TABLE coupons');
    await db.query('DROP TABLE vendors');
  }
}
