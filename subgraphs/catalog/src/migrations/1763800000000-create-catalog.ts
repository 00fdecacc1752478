import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The vendor replica, categories, products and their search machinery.
 *
 * Search: `products.search` is a generated, weighted tsvector (name A, tags B, description
 * C) behind a GIN index. Typo tolerance comes from `search_terms`, the vocabulary of
 * product names and tags (kept by a trigger), with a trigram GIN index: a word of the
 * query that is not in the vocabulary is widened to its nearest known terms.
 */
export class CreateCatalog1763800000000 implements MigrationInterface {
  name = 'CreateCatalog1763800000000';

  async up(db: QueryRunner): Promise<void> {
    // pg_trgm ships with PostgreSQL (contrib) and is a trusted extension. It lives in
    // `public` so that every subgraph of a database sees the same one on its search_path.
    await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);

    await db.query(`
      CREATE TABLE vendors (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL CONSTRAINT vendors_user_id_key UNIQUE,
        display_name text,
        status text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED')),
        -- occurredAt of the event that set the status: an older event arriving late changes nothing.
        status_changed_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE categories (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL CONSTRAINT categories_slug_key UNIQUE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        parent_id uuid REFERENCES categories (id),
        position int NOT NULL DEFAULT 0
      )`);
    await db.query(`CREATE INDEX categories_parent_idx ON categories (parent_id, position)`);

    await db.query(`
      CREATE FUNCTION product_search_vector(name text, tags text[], description text) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A')
            || setweight(to_tsvector('english'::regconfig, array_to_string(tags, ' ')), 'B')
            || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')
      $$`);
    await db.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        vendor_id uuid NOT NULL REFERENCES vendors (id),
        category_id uuid NOT NULL REFERENCES categories (id),
        slug text NOT NULL CONSTRAINT products_slug_key UNIQUE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        kind text NOT NULL CHECK (kind IN ('AGENT', 'WORKFLOW', 'TOOL')),
        price_amount int NOT NULL CHECK (price_amount BETWEEN 0 AND 10000000),
        price_currency text NOT NULL CHECK (price_currency ~ '^[A-Z]{3}$'),
        tags text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'IN_REVIEW', 'PUBLISHED', 'REJECTED', 'ARCHIVED')),
        rejection_reason text,
        -- Increases with every change; events carry it so replicas can drop stale states.
        revision int NOT NULL DEFAULT 1,
        rating numeric(3, 2) NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
        review_count int NOT NULL DEFAULT 0,
        sales_count int NOT NULL DEFAULT 0,
        -- Millisecond precision, so a JavaScript Date in a page cursor matches the row exactly.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        search tsvector GENERATED ALWAYS AS (product_search_vector(name, tags, description)) STORED
      )`);
    // fastupdate off: products change rarely, and a GIN pending list (which only VACUUM
    // flushes) would make the planner shun the index right after a bulk load such as the seed.
    await db.query(`CREATE INDEX products_search_idx ON products USING gin (search) WITH (fastupdate = off)`);
    await db.query(`CREATE INDEX products_tags_idx ON products USING gin (tags) WITH (fastupdate = off)`);
    await db.query(`CREATE INDEX products_vendor_idx ON products (vendor_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX products_category_idx ON products (category_id)`);
    // The storefront only ever lists published products: partial indexes per sort.
    await db.query(
      `CREATE INDEX products_newest_idx ON products (published_at DESC, id DESC) WHERE status = 'PUBLISHED'`,
    );
    await db.query(`CREATE INDEX products_price_idx ON products (price_amount, id) WHERE status = 'PUBLISHED'`);
    await db.query(
      `CREATE INDEX products_rating_idx ON products (rating DESC, review_count DESC, id DESC) WHERE status = 'PUBLISHED'`,
    );
    await db.query(
      `CREATE INDEX products_sales_idx ON products (sales_count DESC, id DESC) WHERE status = 'PUBLISHED'`,
    );

    await db.query(`CREATE TABLE search_terms (term text PRIMARY KEY)`);
    await db.query(
      `CREATE INDEX search_terms_trgm_idx ON search_terms USING gin (term gin_trgm_ops) WITH (fastupdate = off)`,
    );
    await db.query(`
      CREATE FUNCTION collect_search_terms() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO search_terms (term)
        SELECT DISTINCT word
        FROM regexp_split_to_table(lower(NEW.name || ' ' || array_to_string(NEW.tags, ' ')), '[^[:alnum:]]+') AS word
        WHERE length(word) BETWEEN 3 AND 32
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER products_search_terms AFTER INSERT OR UPDATE OF name, tags ON products
      FOR EACH ROW EXECUTE FUNCTION collect_search_terms()`);

    // OR / AND over a set of tsqueries, to build "each word, or one of its near spellings"
    // (strict transition functions without an initial state: no rows give NULL).
    await db.query(`CREATE AGGREGATE tsquery_any(tsquery) (SFUNC = tsquery_or, STYPE = tsquery)`);
    await db.query(`CREATE AGGREGATE tsquery_all(tsquery) (SFUNC = tsquery_and, STYPE = tsquery)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP AGGREGATE tsquery_all(tsquery)');
    await db.query('DROP AGGREGATE tsquery_any(tsquery)');
    await db.query('DROP TABLE products');
    await db.query('DROP FUNCTION collect_search_terms()');
    await db.query('DROP TABLE search_terms');
    await db.query('DROP FUNCTION product_search_vector(text, text[], text)');
    await db.query('DROP TABLE categories');
    await db.query('DROP TABLE vendors');
  }
}
