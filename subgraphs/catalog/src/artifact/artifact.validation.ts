import { InputCheck } from '@marketplace/kit';

export const VERSION_MAX_LENGTH = 32;
/** Groups of letters and digits joined by single dots or dashes: safe in a storage key, never `..`. */
const VERSION_PATTERN = /^[0-9A-Za-z]+(?:[.-][0-9A-Za-z]+)*$/;

export function isVersion(value: unknown): value is string {
  return typeof value === 'string' && value.length <= VERSION_MAX_LENGTH && VERSION_PATTERN.test(value);
}

export class ArtifactInputCheck extends InputCheck {
  version(field: string, raw: string): string {
    const version = raw.trim();
    if (version.length === 0) this.add(field, 'must not be empty');
    else if (version.length > VERSION_MAX_LENGTH) this.add(field, `must be at most ${VERSION_MAX_LENGTH} characters`);
    else if (!VERSION_PATTERN.test(version))
      this.add(field, 'must be letters and digits in groups joined by "." or "-"');
    return version;
  }
}
