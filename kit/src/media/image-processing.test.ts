import sharp from 'sharp';
import { TEST_EXECUTABLES, pngClaiming, testImage } from '../testing/test-images';
import { ImageRefused, processImage, variantWidthsFor } from './image-processing';
import { pickVariant, readLimited } from './media-library';
import { Readable } from 'node:stream';

const LIMITS = { maxPixels: 25_000_000 };

describe('processImage', () => {
  it.each([
    ['png', 'image/png', 'original.png'],
    ['jpeg', 'image/jpeg', 'original.jpg'],
    ['webp', 'image/webp', 'original.webp'],
  ] as const)(
    'accepts %s, re-encodes the original in its format and makes WebP variants',
    async (format, type, file) => {
      const image = await processImage(await testImage(format, 2000, 1000), LIMITS);
      expect(image).toMatchObject({ format, width: 2000, height: 1000 });
      expect(image.original).toMatchObject({ file, contentType: type, width: 2000, height: 1000 });
      expect((await sharp(image.original.data).metadata()).format).toBe(format);
      expect(image.variants.map(({ file: name, width, height }) => ({ name, width, height }))).toEqual([
        { name: 'w160.webp', width: 160, height: 80 },
        { name: 'w480.webp', width: 480, height: 240 },
        { name: 'w1200.webp', width: 1200, height: 600 },
      ]);
      for (const variant of image.variants) {
        const metadata = await sharp(variant.data).metadata();
        expect([metadata.format, metadata.width, metadata.height]).toEqual(['webp', variant.width, variant.height]);
      }
    },
  );

  it('never upscales: a narrow image gets variants capped at its own width', async () => {
    const image = await processImage(await testImage('png', 300, 200), LIMITS);
    expect(image.variants.map((variant) => variant.width)).toEqual([160, 300]);
    const tiny = await processImage(await testImage('png', 100, 50), LIMITS);
    expect(tiny.variants.map((variant) => [variant.file, variant.width, variant.height])).toEqual([
      ['w100.webp', 100, 50],
    ]);
  });

  it('strips EXIF (GPS included) from the original and the variants, after turning the image upright', async () => {
    const input = await testImage('jpeg', 400, 200, { exif: true, orientation: 6 });
    const before = await sharp(input).metadata();
    expect(before.exif).toBeDefined();
    expect(before.orientation).toBe(6);
    const image = await processImage(input, LIMITS);
    // Orientation 6 is a quarter turn: the upright image is 200 wide, 400 high.
    expect([image.width, image.height]).toEqual([200, 400]);
    for (const stored of [image.original, ...image.variants]) {
      const metadata = await sharp(stored.data).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.orientation).toBeUndefined();
      expect(metadata.xmp).toBeUndefined();
      expect(metadata.icc).toBeUndefined();
      expect(stored.data.includes('Secret Camera Owner')).toBe(false);
    }
    expect([image.original.width, image.original.height]).toEqual([200, 400]);
    expect((await sharp(image.original.data).metadata()).width).toBe(200);
  });

  it.each(Object.entries(TEST_EXECUTABLES))(
    'refuses a %s executable named like an image (415)',
    async (_kind, bytes) => {
      await expect(processImage(bytes, LIMITS)).rejects.toMatchObject({
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.stringMatching(/Only PNG, JPEG and WebP/),
      });
    },
  );

  it('refuses images of other formats, recognised from their bytes (GIF, SVG, TIFF)', async () => {
    const gif = await sharp({ create: { width: 10, height: 10, channels: 3, background: 'red' } })
      .gif()
      .toBuffer();
    const tiff = await sharp({ create: { width: 10, height: 10, channels: 3, background: 'red' } })
      .tiff()
      .toBuffer();
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    for (const bytes of [gif, tiff, svg])
      await expect(processImage(bytes, LIMITS)).rejects.toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('refuses a 30000 × 30000 image from its header at once, without decoding it', async () => {
    const bomb = await pngClaiming(30_000, 30_000);
    const started = performance.now();
    const refusal = await processImage(bomb, LIMITS).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ImageRefused);
    expect(refusal).toMatchObject({ status: 422, code: 'IMAGE_TOO_LARGE' });
    expect((refusal as Error).message).toMatch(/more than 25000000 pixels/);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses an image one pixel over the limit and accepts one at it', async () => {
    await expect(processImage(await testImage('png', 101, 100), { maxPixels: 10_000 })).rejects.toMatchObject({
      status: 422,
      code: 'IMAGE_TOO_LARGE',
    });
    await expect(processImage(await testImage('png', 100, 100), { maxPixels: 10_000 })).resolves.toMatchObject({
      width: 100,
    });
  });

  it('refuses an empty body and a truncated image (400)', async () => {
    await expect(processImage(Buffer.alloc(0), LIMITS)).rejects.toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    const png = await testImage('png', 500, 500);
    await expect(processImage(png.subarray(0, 100), LIMITS)).rejects.toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
    });
  });
});

describe('readLimited', () => {
  it('reads a body up to the limit and refuses one byte more (413)', async () => {
    expect((await readLimited(Readable.from([Buffer.alloc(600), Buffer.alloc(400)]), 1000)).length).toBe(1000);
    await expect(readLimited(Readable.from([Buffer.alloc(600), Buffer.alloc(401)]), 1000)).rejects.toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
  });
});

describe('variants', () => {
  it('caps every configured width at the image width', () => {
    expect(variantWidthsFor(2000, [160, 480, 1200])).toEqual([160, 480, 1200]);
    expect(variantWidthsFor(480, [160, 480, 1200])).toEqual([160, 480]);
    expect(variantWidthsFor(90, [160, 480, 1200])).toEqual([90]);
  });

  it('picks the narrowest variant at least as wide as asked, else the widest', () => {
    const variants = [{ width: 1200 }, { width: 160 }, { width: 480 }];
    expect(pickVariant(variants, 100)).toEqual({ width: 160 });
    expect(pickVariant(variants, 160)).toEqual({ width: 160 });
    expect(pickVariant(variants, 161)).toEqual({ width: 480 });
    expect(pickVariant(variants, 5000)).toEqual({ width: 1200 });
    expect(pickVariant([], 100)).toBeNull();
  });
});
