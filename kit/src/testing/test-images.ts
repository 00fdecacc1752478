import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** Test images made by sharp at test time (nothing downloaded). */
export async function testImage(
  format: 'png' | 'jpeg' | 'webp',
  width: number,
  height: number,
  options: { exif?: boolean; orientation?: number } = {},
): Promise<Buffer> {
  let image = sharp({
    create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } },
  });
  image = format === 'png' ? image.png() : format === 'jpeg' ? image.jpeg() : image.webp();
  if (options.exif || options.orientation)
    image = image.withMetadata({
      ...(options.orientation ? { orientation: options.orientation } : {}),
      ...(options.exif
        ? {
            exif: {
              IFD0: { Copyright: 'Secret Camera Owner' },
              IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 0/1' },
            },
          }
        : {}),
    });
  return image.toBuffer();
}

/**
 * A valid PNG whose header claims `width` × `height` pixels with almost no pixel data
 * behind it: a decompression bomb's shape, which must be refused from the header alone.
 */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 1, height: 1, channels: 3, background: 'white' } })
      .png()
      .toBuffer(),
  );
  // IHDR: length (4) + "IHDR" (4) at offset 8, then width and height, then its CRC over type and data.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** The first bytes of a Linux executable (ELF) and of a Windows one (MZ), padded: what a renamed `.png` may really be. */
export const TEST_EXECUTABLES = {
  elf: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(4088, 0x90)]),
  mz: Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(4088, 0)]),
};
