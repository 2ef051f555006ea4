import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { sha256 } from './artifact.js';
import { MAGIC, type Entry, type Stored } from './build-cache-file.js';

// Writing the build cache's file (see build-cache-file.ts for its format).

const NEWLINE_BYTE = Buffer.from('\n');

/**
 * Writes a cache file a megabyte at a time (a whole cache held at once is tens of MiB more peak
 * RSS), the checksum line first as a placeholder, filled in at the end.
 */
export class LineWriter {
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  private chunks: Buffer[] = [];
  private size = 0;
  private total = 0;
  private readonly sumAt = Buffer.byteLength(`${MAGIC}\n`);

  constructor(private readonly file: string) {
    this.fd = openSync(file, 'w', 0o644);
    writeSync(this.fd, `${MAGIC}\n${'0'.repeat(64)} ${'0'.repeat(16)}\n`);
  }

  line(l: string | Buffer): void {
    const b = typeof l === 'string' ? Buffer.from(l, 'utf8') : l;
    this.chunks.push(b, NEWLINE_BYTE);
    this.size += b.length + 1;
    if (this.size >= 1 << 20) this.flush();
  }

  private flush(): void {
    const b = Buffer.concat(this.chunks);
    this.hash.update(b);
    writeSync(this.fd, b);
    this.total += b.length;
    this.chunks = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    writeSync(this.fd, `${this.hash.digest('hex')} ${String(this.total).padStart(16, '0')}`, this.sumAt, 'latin1');
    closeSync(this.fd);
  }

  /** Closes and removes the file after a failure. */
  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(this.file);
    } catch {
      // already gone
    }
  }
}

/** The cache file opened with `flags`, if it is the one whose checksum line was `sum` when it was loaded. */
function openLoaded(file: string, flags: string, sum: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(file, flags);
  } catch {
    return undefined;
  }
  const head = Buffer.alloc(MAGIC.length + 1 + sum.length);
  readSync(fd, head, 0, head.length, 0);
  if (head.toString('latin1', MAGIC.length + 1) === sum) return fd;
  closeSync(fd);
  return undefined;
}

/**
 * Each of `entries` read from the open cache file, as its line: as stored, or with the head that
 * `restated` gives it (a new stat) before its stored fields.
 */
function eachLine(fd: number, file: string, entries: Iterable<Entry>, restated: ReadonlyMap<Entry, string>, emit: (line: Buffer) => void): void {
  // why: the entries kept are mostly neighbours in the file; one read per run of them (up to a
  // megabyte, as LineWriter writes) rather than one per entry (10,000 on the bench fleet).
  const runs: Entry[][] = [];
  for (const e of entries) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[last.length - 1]!.end + 1 === e.lineStart && e.end - last[0]!.lineStart <= 1 << 20) last.push(e);
    else runs.push([e]);
  }
  for (const run of runs) {
    const from = run[0]!.lineStart;
    const b = Buffer.allocUnsafe(run[run.length - 1]!.end - from);
    if (readSync(fd, b, 0, b.length, from) !== b.length) throw new Error(`${file} is shorter than when it was read`);
    for (const e of run) {
      const head = restated.get(e);
      emit(head === undefined ? b.subarray(e.lineStart - from, e.end - from) : Buffer.concat([Buffer.from(head, 'utf8'), b.subarray(e.fieldsStart - from, e.end - from)]));
    }
  }
}

/**
 * The lines of `entries` (see eachLine) from the cache file, if it is still the one loaded (its
 * checksum line is `sum`: another build may have replaced it since, and then there are none).
 * Read through one descriptor, so that a replacement meanwhile cannot mix two files.
 */
export function entryLines(file: string, sum: string, entries: Iterable<Entry>, restated: ReadonlyMap<Entry, string>, emit: (line: Buffer) => void): boolean {
  const fd = openLoaded(file, 'r', sum);
  if (fd === undefined) return false;
  try {
    eachLine(fd, file, entries, restated, emit);
    return true;
  } finally {
    closeSync(fd);
  }
}

/** The journal may grow to this share of the body before a build rewrites the whole file. */
const JOURNAL_SHARE = 0.25;

/** How many bytes a journal record may still add to the cache file `stored` was read from. */
export function journalRoom(stored: Stored): number {
  return stored.sum === '' ? 0 : stored.bodyEnd * JOURNAL_SHARE - (stored.length - stored.bodyEnd);
}

/**
 * Appends a journal record of `lines` to the cache file `stored` was read from, if it is still that
 * file with nothing after what was read, and the journal is small enough; whether it did.
 */
export function appendRecord(file: string, stored: Stored, lines: readonly (string | Buffer)[]): boolean {
  const body = Buffer.concat(['N\t', ...lines].flatMap((l) => [typeof l === 'string' ? Buffer.from(l, 'utf8') : l, NEWLINE_BYTE]));
  if (stored.sum === '' || body.length > journalRoom(stored)) return false;
  const fd = openLoaded(file, 'a+', stored.sum);
  if (fd === undefined) return false;
  try {
    if (fstatSync(fd).size !== stored.length) return false;
    writeSync(fd, Buffer.concat([Buffer.from(`A\t${sha256(body)}\t${body.length}\t${stored.length}\n`, 'latin1'), body]));
    return true;
  } finally {
    closeSync(fd);
  }
}
