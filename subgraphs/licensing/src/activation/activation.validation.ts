import { InputCheck } from '@marketplace/kit';
import { KEY_MAX_LENGTH } from '../key/license-key';

export const FINGERPRINT_MAX_LENGTH = 200;
export const LABEL_MAX_LENGTH = 100;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The field rules of activation arguments, on top of the kit's problem collector. */
export class ActivationInputCheck extends InputCheck {
  fingerprint(field: string, raw: string): string {
    const fingerprint = raw.trim();
    if (fingerprint.length === 0) this.add(field, 'must not be empty');
    else if (fingerprint.length > FINGERPRINT_MAX_LENGTH)
      this.add(field, `must be at most ${FINGERPRINT_MAX_LENGTH} characters`);
    else if (CONTROL_CHARACTERS.test(fingerprint)) this.add(field, 'must not contain control characters');
    return fingerprint;
  }

  /** Blank → null. */
  label(field: string, raw: string | null | undefined): string | null {
    const label = raw?.trim() ?? '';
    if (label.length > LABEL_MAX_LENGTH) this.add(field, `must be at most ${LABEL_MAX_LENGTH} characters`);
    else if (CONTROL_CHARACTERS.test(label)) this.add(field, 'must not contain control characters');
    return label === '' ? null : label;
  }

  key(field: string, raw: string): string {
    const key = raw.trim();
    if (key.length === 0) this.add(field, 'must not be empty');
    else if (key.length > KEY_MAX_LENGTH) this.add(field, `must be at most ${KEY_MAX_LENGTH} characters`);
    return key;
  }
}
