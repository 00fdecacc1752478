import { linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Creates `path` with `content` unless it exists, atomically: several processes of a local
 * run may start at once, and none may ever read a half-written file. Written aside, then
 * hard-linked into place (which fails if another process won the race).
 */
export function writeOnce(path: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const aside = `${path}.${process.pid}-${Date.now()}`;
  writeFileSync(aside, content, { mode });
  try {
    linkSync(aside, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(aside);
  }
}
