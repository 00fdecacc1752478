import { queryRows } from '@marketplace/kit';
import { globalId } from '@marketplace/kit/testing';
import sharp from 'sharp';
import { demoProducts } from '../product/product.demo-data';
import { DEMO_COVER_COUNT } from './product-media.seed';
import { MediaCatalog, getMedia, startMediaCatalog } from './product-media.testing';

let catalog: MediaCatalog;
beforeAll(async () => {
  catalog = await startMediaCatalog();
});
afterAll(() => catalog.close());

const covers = () =>
  queryRows<{ productId: string; id: string }>(
    catalog.subgraph.deps.db,
    `SELECT product_id AS "productId", id FROM product_media WHERE kind = 'COVER' ORDER BY product_id`,
  );

it('draws covers for the newest demo products, served like uploads; seeding again adds none', async () => {
  await catalog.subgraph.wiring.seed!();
  const seeded = await covers();
  const newest = demoProducts().slice(0, DEMO_COVER_COUNT);
  expect(seeded.map((row) => row.productId)).toEqual(newest.map((product) => product.id).sort());

  const { product } = await catalog.client.data(
    `query($id: ID!) { product(id: $id) { coverImage { kind alt width height thumbnail(width: 480) } } }`,
    { variables: { id: globalId('Product', newest[0].id) } },
  );
  expect(product.coverImage).toEqual({
    kind: 'COVER',
    alt: `${newest[0].name}: cover illustration`,
    width: 960,
    height: 540,
    thumbnail: expect.stringMatching(/\/media\/products\/[0-9a-f-]{36}\/w480\.webp$/),
  });
  const thumbnail = await getMedia(catalog, product.coverImage.thumbnail as string);
  expect(thumbnail.status).toBe(200);
  expect((await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata()).width).toBe(480);

  await catalog.subgraph.wiring.seed!();
  expect(await covers()).toEqual(seeded);
});
