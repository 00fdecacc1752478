import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  size: number;
  sha256: string;
}

/** A byte range, both ends inclusive (as in HTTP `Range: bytes=start-end`). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where artifacts live. The local directory is the default; an S3-compatible store only
 * has to implement these four operations.
 */
export interface ObjectStorage {
  /** Streams `body` to `key`, refusing (and keeping nothing) past `maxBytes`. Atomic: readers never see half an object. */
  put(key: string, body: Readable, options: { maxBytes: number }): Promise<StoredObject>;
  /** The object's bytes, or one range of them. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Size of the object, or null when there is none. */
  size(key: string): Promise<number | null>;
  delete(key: string): Promise<void>;
}

export class ObjectTooLargeError extends Error {
  override name = 'ObjectTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`object is larger than ${maxBytes} bytes`);
  }
}
