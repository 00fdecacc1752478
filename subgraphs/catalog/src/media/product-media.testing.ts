import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UrlTokenSigner, queryRows, rawIdOf } from '@marketplace/kit';
import { TestSubgraph } from '@marketplace/kit/testing';
import { TestVendor, putArtifact, startCatalog } from '../testing';

/** Small limits so that tests can pass them cheaply. */
export const TEST_MEDIA_MAX_BYTES = 400_000;
export const TEST_MEDIA_MAX_PIXELS = 4_000_000;

export const MEDIA_FIELDS =
  'id kind url alt width height position small: thumbnail(width: 100) large: thumbnail(width: 1000)';

export interface MediaShape {
  id: string;
  kind: string;
  url: string;
  alt: string | null;
  width: number;
  height: number;
  position: number;
  small: string;
  large: string;
}

export const CREATE_MEDIA_UPLOAD = `mutation($productId: ID!, $kind: ProductMediaKind!) {
  createProductMediaUpload(input: { productId: $productId, kind: $kind }) { upload { uploadUrl expiresAt maxBytes maxPixels } product { id } }
}`;
export const PRODUCT_MEDIA = `query($id: ID!) { product(id: $id) { id media { ${MEDIA_FIELDS} } coverImage { id kind } } }`;
export const UPDATE_MEDIA = `mutation($id: ID!, $alt: String) { updateProductMedia(input: { productMediaId: $id, alt: $alt }) { media { id alt } product { id } } }`;
export const MOVE_MEDIA = `mutation($id: ID!, $position: Int!) { moveProductMedia(input: { productMediaId: $id, position: $position }) { media { id position } product { id media { id position } } } }`;
export const DELETE_MEDIA = `mutation($id: ID!) { deleteProductMedia(input: { productMediaId: $id }) { deletedProductMediaId product { id media { id position } } } }`;

/** A catalog taking images: its own signing secret and media directory (removed on close), links on a gateway URL. */
export interface MediaCatalog extends TestSubgraph {
  signer: UrlTokenSigner;
  mediaDir: string;
}

export async function startMediaCatalog(env: Record<string, string> = {}): Promise<MediaCatalog> {
  const secret = randomBytes(32).toString('hex');
  const mediaDir = mkdtempSync(join(tmpdir(), 'catalog-media-'));
  const catalog = await startCatalog({
    URL_SIGNING_SECRET: secret,
    MEDIA_STORAGE_DIR: mediaDir,
    MEDIA_MAX_BYTES: String(TEST_MEDIA_MAX_BYTES),
    MEDIA_MAX_PIXELS: String(TEST_MEDIA_MAX_PIXELS),
    PUBLIC_URL: 'http://gateway.test:4000/',
    ...env,
  });
  return {
    ...catalog,
    signer: new UrlTokenSigner(Buffer.from(secret, 'hex')),
    mediaDir,
    close: async () => {
      await catalog.close();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}

export async function mediaUploadUrl(
  catalog: TestSubgraph,
  owner: TestVendor,
  productId: string,
  kind = 'SCREENSHOT',
): Promise<string> {
  const { createProductMediaUpload } = await catalog.client.data<{
    createProductMediaUpload: { upload: { uploadUrl: string } };
  }>(CREATE_MEDIA_UPLOAD, {
    variables: { productId, kind },
    token: owner.token,
  });
  return createProductMediaUpload.upload.uploadUrl;
}

/** PUTs an image to the subgraph on the path of the URL the API gave, as the gateway's REST edge forwards it. */
export const putMedia = putArtifact;

/** Uploads `image` and answers the new media's global id. */
export async function uploadMedia(
  catalog: TestSubgraph,
  owner: TestVendor,
  productId: string,
  image: Buffer,
  kind = 'SCREENSHOT',
): Promise<string> {
  const answer = await putMedia(catalog, await mediaUploadUrl(catalog, owner, productId, kind), image);
  if (answer.status !== 200) throw new Error(`upload refused: ${JSON.stringify(answer)}`);
  return answer.body.mediaId as string;
}

/** GETs a media URL from the subgraph directly (the path the gateway forwards). */
export function getMedia(catalog: TestSubgraph, url: string, headers: Record<string, string> = {}): Promise<Response> {
  const path = new URL(url).pathname;
  return fetch(`${catalog.subgraph.url.replace(/\/graphql$/, '')}${path}`, {
    headers: { 'cache-control': 'max-age=0', ...headers },
  });
}

/** The media directories holding files for the given media ids. */
export function storedMediaFiles(catalog: MediaCatalog, mediaId: string): string[] {
  try {
    return readdirSync(join(catalog.mediaDir, 'products', rawIdOf(mediaId))).sort();
  } catch {
    return [];
  }
}

/** Every media id with files in storage. */
export function mediaIdsWithFiles(catalog: MediaCatalog): string[] {
  try {
    return readdirSync(join(catalog.mediaDir, 'products'))
      .filter((id) => readdirSync(join(catalog.mediaDir, 'products', id)).length > 0)
      .sort();
  } catch {
    return [];
  }
}

export function mediaRows(catalog: TestSubgraph, productId: string) {
  return queryRows<{ id: string; kind: string; position: number; alt: string | null }>(
    catalog.subgraph.deps.db,
    `SELECT id, kind, position, alt FROM product_media WHERE product_id = $1 ORDER BY position`,
    [rawIdOf(productId)],
  );
}
