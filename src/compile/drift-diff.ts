import { createTwoFilesPatch } from 'diff';

/** How many stale files `build --check` shows a diff of; the rest are counted. */
export const MAX_DIFFS = 20;

/**
 * A unified diff of one drifted file, from what is on disk to what the build would write
 * (`/dev/null` for a missing or an extra file); undefined when either side is not text.
 */
export function driftDiff(path: string, current: Buffer | undefined, wanted: Buffer | undefined): string | undefined {
  const text = (b: Buffer | undefined): string | undefined => {
    if (b === undefined) return '';
    const s = b.toString('utf8');
    return Buffer.from(s, 'utf8').equals(b) && !s.includes('\0') ? s : undefined;
  };
  const [before, after] = [text(current), text(wanted)];
  if (before === undefined || after === undefined) return undefined;
  return createTwoFilesPatch(current === undefined ? '/dev/null' : `a/${path}`, wanted === undefined ? '/dev/null' : `b/${path}`, before, after, undefined, undefined, { context: 3 });
}
