import { InputCheck } from '@marketplace/kit';
import { KEY_MAX_LENGTH } from '../key/license-key';

export const FINGERPRINT_MAX_LENGTH = 200;
export const LABEL_MAX_LENGTH = 100;

/** The field rules of activation arguments, on top of the kit's problem collector. */
export class ActivationInputCheck extends InputCheck {
  fingerprint(field: string, raw: string): string {
    return this.singleLineText(field, raw, FINGERPRINT_MAX_LENGTH);
  }

  /** Blank → null. */
  label(field: string, raw: string | null | undefined): string | null {
    return this.singleLineText(field, raw ?? '', LABEL_MAX_LENGTH, { optional: true }) || null;
  }

  key(field: string, raw: string): string {
    const key = raw.trim();
    if (key.length === 0) this.add(field, 'must not be empty');
    else if (key.length > KEY_MAX_LENGTH) this.add(field, `must be at most ${KEY_MAX_LENGTH} characters`);
    return key;
  }
}
