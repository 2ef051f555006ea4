import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, unlinkSync, writeSync } from 'node:fs';
import type { Finding } from '../findings.js';
import type { DocumentKind } from '../policy/schema.js';

// The build cache's file (see build-cache.ts): its format, reading it, and writing it.

/** The first line of a cache file; another format or another program's file is ignored. */
export const MAGIC = 'succession build cache 3';

/**
 * A generated file recorded unchanged since it was hashed: its stat, compared before its bytes are
 * trusted. ctime cannot be set back by a user and changes with any write, rename or chmod.
 */
export type OutputStat = [sha: string, size: string, mtimeNs: string, ctimeNs: string, ino: string, dev: string];

/** A file's results, as stored: JSON, parsed only when the file is unchanged. */
export type EntryData = [
  kind: DocumentKind,
  valid: boolean,
  /** The document's data, for a valid file (schema-valid data is JSON). */
  data: unknown,
  findings: Finding[],
  /** Compile findings in this file. */
  own: Finding[],
  /** Compile findings in other files (a fleet default noted for every cluster), as indices into the shared table. */
  shared: number[],
  /** Generated files: [path relative to the output directory, sha256]. */
  outputs: [string, string][],
];

/** Where a file's entry is in the cache file: its line is copied into the next cache as it is, its JSON parsed only when the file is unchanged. */
export interface Entry {
  sha: string;
  lineStart: number;
  jsonStart: number;
  end: number;
}

export interface Stored {
  key: string;
  /** The checksum line of the file read (the entries' offsets are into it). */
  sum: string;
  /** The file's bytes until the lookup is done: the cache's text is not kept through the build. */
  bytes: Buffer | undefined;
  fleetPath: string | undefined;
  /** Compile findings shared by several files; append-only while the key holds, so that indices stay valid. */
  table: Finding[];
  tableLines: string[];
  files: Map<string, Entry>;
  stats: Map<string, OutputStat>;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The cache as loaded, and why it was not used when it was not (corrupt or foreign; a changed key is not worth saying). */
export interface LoadedCache {
  stored: Stored;
  ignored?: string;
}

export function empty(key: string): Stored {
  return { key, sum: '', bytes: undefined, fleetPath: undefined, table: [], tableLines: [], files: new Map(), stats: new Map() };
}

// The file: the magic line, the sha256 of the rest, then lines of a letter, a tab and fields:
// K key, F fleet path (JSON), T a shared finding (JSON), S path (JSON) and the six fields of its
// OutputStat (hex and decimal digits) separated by tabs, E path (JSON), tab, sha, tab, entry (JSON).
// why: the stats are tab-separated, not JSON, because the bench fleet has 23,000 of them to read on every build.

/** Reads the cache at `file`; a missing, corrupt or foreign file, or one for another key, gives an empty cache. */
export function loadCache(file: string, key: string): LoadedCache {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return { stored: empty(key) };
  }
  const first = bytes.indexOf(10);
  const second = bytes.indexOf(10, first + 1);
  if (first < 0 || bytes.toString('latin1', 0, first) !== MAGIC || second < 0) return { stored: empty(key), ignored: 'not a succession build cache' };
  const sum = bytes.toString('latin1', first + 1, second);
  if (sha256(bytes.subarray(second + 1)) !== sum) return { stored: empty(key), ignored: 'corrupt (its checksum does not match)' };
  try {
    return { stored: parseBody(bytes, second + 1, sum, key) };
  } catch {
    return { stored: empty(key), ignored: 'corrupt' };
  }
}

const TAB = 9;
const NEWLINE = 10;

function parseBody(bytes: Buffer, from: number, sum: string, key: string): Stored {
  const stored: Stored = { ...empty(key), sum, bytes };
  let keyed = false;
  for (let start = from; start < bytes.length; ) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    if (bytes[start + 1] !== TAB) throw new Error('bad line');
    const kind = String.fromCharCode(bytes[start]!);
    const rest = () => bytes.toString('utf8', start + 2, end);
    if (!keyed) {
      if (kind !== 'K' || rest() !== key) return empty(key);
      keyed = true;
    } else if (kind === 'E') {
      const a = bytes.indexOf(TAB, start + 2);
      const b = bytes.indexOf(TAB, a + 1);
      if (a < 0 || b < 0 || b >= end) throw new Error('bad entry');
      stored.files.set(JSON.parse(bytes.toString('utf8', start + 2, a)) as string, { sha: bytes.toString('latin1', a + 1, b), lineStart: start, jsonStart: b + 1, end });
    } else if (kind === 'S') {
      const a = bytes.indexOf(TAB, start + 2);
      if (a < 0 || a >= end) throw new Error('bad stat');
      const stat = bytes.toString('latin1', a + 1, end).split('\t');
      if (stat.length !== 6) throw new Error('bad stat');
      stored.stats.set(JSON.parse(bytes.toString('utf8', start + 2, a)) as string, stat as OutputStat);
    } else if (kind === 'T') {
      stored.table.push(JSON.parse(rest()) as Finding);
      stored.tableLines.push(bytes.toString('utf8', start, end));
    } else if (kind === 'F') {
      stored.fleetPath = (JSON.parse(rest()) as string | null) ?? undefined;
    } else {
      throw new Error('bad line');
    }
    start = end + 1;
  }
  return keyed ? stored : empty(key);
}

/** Not JSON: what would not come back as it was (YAML's .inf, .nan and -0). */
const NOT_JSON = Symbol('not JSON');

/** `value` as JSON when it parses back to the same value; else undefined (the file is then not cached). */
export function exactJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, (_, v: unknown) => {
      if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) throw NOT_JSON;
      return v;
    });
  } catch (e) {
    if (e === NOT_JSON) return undefined;
    throw e;
  }
}

export function entryData(bytes: Buffer, e: Entry): EntryData {
  return JSON.parse(bytes.toString('utf8', e.jsonStart, e.end)) as EntryData;
}

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
  private readonly sumAt = Buffer.byteLength(`${MAGIC}\n`);

  constructor(private readonly file: string) {
    this.fd = openSync(file, 'w', 0o644);
    writeSync(this.fd, `${MAGIC}\n${'0'.repeat(64)}\n`);
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
    this.chunks = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    writeSync(this.fd, this.hash.digest('hex'), this.sumAt, 'latin1');
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

/**
 * Copies the lines of `entries` from the cache file, if it is still the one loaded (its checksum
 * line is `sum`: another build may have replaced it since, and then they are left out). Read
 * through one descriptor, so that a replacement meanwhile cannot mix two files.
 */
export function copyEntries(file: string, sum: string, entries: Iterable<Entry>, out: LineWriter): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return;
  }
  try {
    const head = Buffer.alloc(MAGIC.length + 1 + sum.length);
    readSync(fd, head, 0, head.length, 0);
    if (head.toString('latin1', MAGIC.length + 1) !== sum) return;
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
      out.line(b);
    }
  } finally {
    closeSync(fd);
  }
}

