import {
  Connection,
  ConnectionShape,
  PageArgs,
  PagedList,
  RequestContext,
  decodeCursor,
  defineLoader,
  isTimeIdCursor,
  queryRows,
  toConnection,
} from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Product } from '../product/product.entity';
import { Artifact } from './artifact.type';

export const ArtifactConnection = Connection(Artifact, 'Artifact');

type VersionRow = Artifact & { uploadId: string };
type PageKey = { productId: string; first: number; after: string | null };

/**
 * `Product.versions`: every build the vendor uploaded (the `artifacts` table), newest first,
 * keyset-paged on (uploaded_at, upload_id). Every product asked for with the same page
 * arguments in one request tick is read in one statement.
 */
export class ArtifactVersionsService {
  constructor(private readonly db: DataSource) {}

  page(context: RequestContext, productId: string, page: PageArgs): Promise<ConnectionShape<Artifact>> {
    return this.pages(context).load(JSON.stringify({ productId, first: page.first, after: page.after ?? null }));
  }

  private readonly pages = defineLoader<string, ConnectionShape<Artifact>>(async (keys) => {
    const wanted = keys.map((key) => JSON.parse(key) as PageKey);
    const groups = new Map<string, PageKey[]>();
    for (const key of wanted) {
      const group = JSON.stringify([key.first, key.after]);
      groups.set(group, [...(groups.get(group) ?? []), key]);
    }
    const results = new Map<PageKey, ConnectionShape<Artifact> | Error>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const { first, after } = group[0];
        try {
          const [time, id] = after ? decodeCursor(after, 2, isTimeIdCursor) : [null, null];
          const rows = await queryRows<VersionRow & { pageProductId: string; total: number }>(
            this.db,
            `SELECT k.id AS "pageProductId", t.total, page.*
             FROM unnest($1::uuid[]) AS k(id)
             CROSS JOIN LATERAL (SELECT count(*)::int AS total FROM artifacts WHERE product_id = k.id) t
             LEFT JOIN LATERAL (
               SELECT a.version, a.sha256, a.size::float8 AS size, a.uploaded_at AS "uploadedAt", a.upload_id AS "uploadId"
               FROM artifacts a
               WHERE a.product_id = k.id AND ($2::timestamptz IS NULL OR (a.uploaded_at, a.upload_id) < ($2::timestamptz, $3::uuid))
               ORDER BY a.uploaded_at DESC, a.upload_id DESC
               LIMIT $4
             ) page ON true
             ORDER BY k.id, page."uploadedAt" DESC, page."uploadId" DESC`,
            [[...new Set(group.map((key) => key.productId))], time, id, first + 1],
          );
          const byProduct = new Map<string, { total: number; rows: VersionRow[] }>();
          for (const { pageProductId, total, ...row } of rows) {
            const entry = byProduct.get(pageProductId) ?? { total, rows: [] };
            if (row.uploadId) entry.rows.push(row);
            byProduct.set(pageProductId, entry);
          }
          for (const key of group) {
            const entry = byProduct.get(key.productId) ?? { total: 0, rows: [] };
            results.set(
              key,
              toConnection(entry.rows, key, entry.total, (row) => [row.uploadedAt.toISOString(), row.uploadId]),
            );
          }
        } catch (error) {
          group.forEach((key) => results.set(key, error as Error));
        }
      }),
    );
    return wanted.map((key) => results.get(key)!);
  });
}

/** What the artifacts add to `Product`: its version history. */
@Resolver(() => Product)
export class ArtifactVersionsResolver {
  constructor(private readonly history: ArtifactVersionsService) {}

  @PagedList()
  @FieldResolver(() => ArtifactConnection, {
    description:
      'Every build the vendor uploaded (version, checksum, size, when), newest first; the first is `artifact`. Empty until the first upload.',
  })
  versions(
    @Root() product: Product,
    @Args() page: PageArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<Artifact>> {
    return this.history.page(context, product.id, page);
  }
}
