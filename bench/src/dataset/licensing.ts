import type { EntityManager } from 'typeorm';
import { createHash } from 'node:crypto';
import { signLicenseKey } from '@marketplace/licensing';
import { DATASET_REFUND_REASON, DatasetOptions } from './model';
import { Plan, canonical } from './plan';
import { quote, ts } from './sql';
import type { Step } from './transaction';

export async function loadLicensing(
  manager: EntityManager,
  step: Step,
  plan: Plan,
  options: Required<Pick<DatasetOptions, 'signingKey' | 'licenseValidityDays' | 'licenseBatchSize'>>,
) {
  await step('derive', () => canonical(manager, plan, 'orders'));
  await manager.query(`CREATE INDEX ON bench_lines (license_id)`);
  // product.published carries the policy; product.archived does not reach licensing.
  await step('product replica', () =>
    manager.query(
      `INSERT INTO products (id, vendor_id, name, status, max_activations, revision, updated_at)
       SELECT id, vendor_id, name, 'PUBLISHED', max_activations, 3, ${ts('published_ms + 100')}
       FROM bench_products WHERE published_ms IS NOT NULL ORDER BY p`,
    ),
  );
  await step('licenses (signed keys)', async () => {
    const lines = await manager.query<{ id: string; pid: string; sub: string; max: number; iat: string }[]>(
      `SELECT license_id AS id, product_id AS pid, user_id AS sub, max_activations AS max, (issue_ms / 1000)::text AS iat
       FROM bench_lines WHERE kind IN ('FULFILLED', 'REFUNDED') ORDER BY o, position`,
    );
    const { privateKey, keyId } = options.signingKey;
    const validity = options.licenseValidityDays * 86_400;
    const insert = (ids: string[], keys: string[], digests: string[], expires: (number | null)[]) =>
      manager.query(
        `INSERT INTO licenses (id, order_id, product_id, owner_id, status, max_activations, license_key, key_sha256, issued_at, expires_at, revoked_at, revoke_reason)
         SELECT l.license_id, l.order_id, l.product_id, l.user_id, CASE WHEN l.kind = 'REFUNDED' THEN 'REVOKED' ELSE 'ACTIVE' END, l.max_activations,
                k.key, k.digest, to_timestamp(l.issue_ms / 1000), to_timestamp(k.exp),
                CASE WHEN l.kind = 'REFUNDED' THEN ${ts('l.refunded_ms + 100')} END, CASE WHEN l.kind = 'REFUNDED' THEN ${quote(DATASET_REFUND_REASON)} END
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS k(id, key, digest, exp, n)
         JOIN bench_lines l ON l.license_id = k.id
         ORDER BY k.n`,
        [ids, keys, digests, expires],
      );
    // Signing (CPU, here) overlaps the previous batch's insert (in Postgres).
    let pending: Promise<unknown> = Promise.resolve();
    for (let from = 0; from < lines.length; from += options.licenseBatchSize) {
      const batch = lines.slice(from, from + options.licenseBatchSize);
      const keys = batch.map((line) => {
        const iat = Number(line.iat);
        return signLicenseKey(
          {
            v: 1,
            lid: line.id,
            pid: line.pid,
            sub: line.sub,
            max: line.max,
            iat,
            exp: validity > 0 ? iat + validity : null,
            kid: keyId,
          },
          privateKey,
        );
      });
      const digests = keys.map((key) => createHash('sha256').update(key.trim()).digest('hex'));
      const expires = batch.map((line) => (validity > 0 ? Number(line.iat) + validity : null));
      await pending;
      pending = insert(
        batch.map((line) => line.id),
        keys,
        digests,
        expires,
      );
    }
    await pending;
  });
  await step('refunded_orders', () =>
    manager.query(
      `INSERT INTO refunded_orders (order_id, reason, refunded_at)
       SELECT id, ${quote(DATASET_REFUND_REASON)}, ${ts('refunded_ms + 100')} FROM bench_orders WHERE kind = 'REFUNDED' ORDER BY o`,
    ),
  );
}
