import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The vendor's license policy: machines one license of the product may be activated on (licensing enforces it). */
export class MaxActivations1763800000005 implements MigrationInterface {
  name = 'MaxActivations1763800000005';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE products ADD COLUMN max_activations int NOT NULL DEFAULT 3 CONSTRAINT products_max_activations_check CHECK (max_activations BETWEEN 1 AND 1000)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE products DROP COLUMN max_activations`);
  }
}
