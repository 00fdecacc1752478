import { Logger, queryRows } from '@marketplace/kit';
import sharp from 'sharp';
import type { DataSource } from 'typeorm';
import { demoProducts } from '../product/product.demo-data';
import type { ProductMediaService } from './product-media.service';
import { ProductMediaKind } from './product-media.type';

/** The newest demo products (the storefront's first page) get a cover; the rest show none. */
export const DEMO_COVER_COUNT = 4;
/** 16:9; small enough to draw and process in about 0.1 s each (its widest variant is its own width). */
const COVER_WIDTH_PX = 960;
const COVER_HEIGHT_PX = 540;

/**
 * Covers for `npm start`: drawn here (an SVG of shapes rendered by sharp's librsvg, nothing
 * downloaded) and stored through the same pipeline as uploads. Idempotent: a demo product
 * that has any image already is left alone.
 */
export async function seedDemoMedia(db: DataSource, media: ProductMediaService, log: Logger): Promise<void> {
  const started = Date.now();
  const chosen = demoProducts().slice(0, DEMO_COVER_COUNT);
  const missing = await queryRows<{ id: string }>(
    db,
    `SELECT p.id FROM products p WHERE p.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM product_media m WHERE m.product_id = p.id)`,
    [chosen.map((product) => product.id)],
  );
  const ids = new Set(missing.map((row) => row.id));
  const todo = chosen.map((product, index) => ({ product, index })).filter(({ product }) => ids.has(product.id));
  await Promise.all(
    todo.map(async ({ product, index }) => {
      const jpeg = await sharp(Buffer.from(coverSvg(index)))
        .jpeg()
        .toBuffer();
      await media.addServerImage(product.id, ProductMediaKind.COVER, jpeg, `${product.name}: cover illustration`);
    }),
  );
  if (todo.length > 0) log.info({ covers: todo.length, ms: Date.now() - started }, 'catalog demo covers seeded');
}

/** A gradient and a few circles, their hues from the product's place in the list. */
function coverSvg(index: number): string {
  const hue = (index * 47) % 360;
  const circles = [0, 1, 2]
    .map((i) => {
      const cx = 200 + ((index * 137 + i * 311) % 880);
      const cy = 120 + ((index * 89 + i * 173) % 480);
      const r = 90 + ((index * 53 + i * 71) % 160);
      return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="hsl(${(hue + 40 * (i + 1)) % 360}, 70%, 65%)" fill-opacity="0.55"/>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${COVER_WIDTH_PX}" height="${COVER_HEIGHT_PX}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue}, 65%, 35%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360}, 65%, 20%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${circles}</svg>`;
}
