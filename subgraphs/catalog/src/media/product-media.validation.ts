import { InputCheck } from '@marketplace/kit';

/** Alt text: one line, as screen readers read it; longer belongs in the description. */
export const ALT_MAX_LENGTH = 300;
/** Widest thumbnail a client may ask for, in CSS pixels (8K screens are 7680 wide). */
export const THUMBNAIL_MAX_WIDTH = 8192;

export class MediaInputCheck extends InputCheck {
  /** Trimmed; empty or null is absent. */
  alt(field: string, raw: string | null): string | null {
    if (raw === null) return null;
    return this.singleLineText(field, raw, ALT_MAX_LENGTH, { optional: true }) || null;
  }

  position(field: string, position: number, count: number): void {
    if (position < 1 || position > count) this.add(field, `must be between 1 and ${count}`);
  }

  thumbnailWidth(field: string, width: number): void {
    if (width < 1 || width > THUMBNAIL_MAX_WIDTH) this.add(field, `must be between 1 and ${THUMBNAIL_MAX_WIDTH}`);
  }
}
