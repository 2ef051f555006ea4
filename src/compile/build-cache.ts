import { createHash } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeSync, type BigIntStats } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Finding } from '../findings.js';
import type { CachedShard, ShardOutput } from '../lint-parallel.js';
import type { PolicyInput } from '../lint.js';
import type { DocumentKind } from '../policy/schema.js';
import { findingKey } from './index.js';

// The build cache (`build --cache`): what each policy file gave the last build — its lint findings,
// its plain data (for the repository-wide rules and the deployment files, which are computed anew),
// its compile findings and its generated files by hash — keyed by the sha256 of the file's text.
// A build parses and compiles only the files whose text changed, or whose generated files are not
// (any longer) what they should be. Everything a build reports is what a build without the cache
// reports: the cache only ever answers for a file whose results are a function of what it checks.

/** The first line of a cache file; another format or another program's file is ignored. */
const MAGIC = 'succession build cache 2';

/**
 * A generated file recorded unchanged since it was hashed: its stat, compared before its bytes are
 * trusted. ctime cannot be set back by a user and changes with any write, rename or chmod.
 */
type OutputStat = [sha: string, size: string, mtimeNs: string, ctimeNs: string, ino: string, dev: string];

/** A file's results, as stored: JSON, parsed only when the file is unchanged. */
type EntryData = [
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
interface Entry {
  sha: string;
  lineStart: number;
  jsonStart: number;
  end: number;
}

interface Stored {
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

/**
 * A file changed this recently may be changed again within the same tick of the file system's
 * clock (coarse: up to 10 ms) without its stat showing it; its stat is not recorded (it is hashed
 * again next time), as git does with a racily clean index entry.
 */
const RACY_NS = 2_000_000_000n;

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What every entry depends on besides its own file: a change to any of it empties the cache. */
export interface CacheKey {
  /** The program: its version and the identity of its code (see programIdentity). */
  program: string;
  targets: readonly string[];
  /** The output directory, resolved. */
  outDir: string;
  /** The files that may be the fleet file (their defaults are in every cluster's results). */
  fleetInputs: readonly PolicyInput[];
}

export function cacheKey(k: CacheKey): string {
  const fleet = k.fleetInputs.map((i) => [i.path, sha256(i.text)]);
  return sha256(JSON.stringify([MAGIC, k.program, k.targets, k.outDir, fleet]));
}

/** The cache as loaded, and why it was not used when it was not (corrupt or foreign; a changed key is not worth saying). */
export interface LoadedCache {
  stored: Stored;
  ignored?: string;
}

function empty(key: string): Stored {
  return { key, sum: '', bytes: undefined, fleetPath: undefined, table: [], tableLines: [], files: new Map(), stats: new Map() };
}

// The file: the magic line, the sha256 of the rest, then lines of a letter, a tab and fields:
// K key, F fleet path (JSON), T a shared finding (JSON), S a stat (JSON), E path, tab, sha, tab, entry (JSON).

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
      const [rel, ...stat] = JSON.parse(rest()) as [string, ...OutputStat];
      stored.stats.set(rel, stat);
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
function exactJson(value: unknown): string | undefined {
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

function entryData(bytes: Buffer, e: Entry): EntryData {
  return JSON.parse(bytes.toString('utf8', e.jsonStart, e.end)) as EntryData;
}

function sameStat(r: OutputStat, st: BigIntStats): boolean {
  return r[1] === String(st.size) && r[2] === String(st.mtimeNs) && r[3] === String(st.ctimeNs) && r[4] === String(st.ino) && r[5] === String(st.dev);
}

/**
 * Whether each of `outputs` has the content of its hash under `outDir`: by the stat recorded when
 * it was last hashed, else by hashing its bytes (then recorded in `stats`, unless racy).
 */
function outputsHold(outDir: string, outputs: readonly [string, string][], old: Map<string, OutputStat>, stats: Map<string, OutputStat>, nowNs: bigint): boolean {
  for (const [rel, sha] of outputs) {
    const file = join(outDir, rel);
    let st: BigIntStats | undefined;
    try {
      st = lstatSync(file, { bigint: true, throwIfNoEntry: false });
    } catch {
      return false;
    }
    if (st === undefined || !st.isFile()) return false;
    const r = old.get(rel);
    if (r !== undefined && r[0] === sha && sameStat(r, st)) {
      stats.set(rel, r);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return false;
    }
    if (sha256(bytes) !== sha) return false;
    const after = lstatSync(file, { bigint: true, throwIfNoEntry: false });
    if (after !== undefined && after.ctimeNs === st.ctimeNs && after.ctimeNs < nowNs - RACY_NS) {
      stats.set(rel, [sha, String(after.size), String(after.mtimeNs), String(after.ctimeNs), String(after.ino), String(after.dev)]);
    }
  }
  return true;
}

const NEWLINE_BYTE = Buffer.from('\n');

/**
 * Writes a cache file a megabyte at a time (a whole cache held at once is tens of MiB more peak
 * RSS), the checksum line first as a placeholder, filled in at the end.
 */
class LineWriter {
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
function copyEntries(file: string, sum: string, entries: Iterable<Entry>, out: LineWriter): void {
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
    for (const e of entries) {
      const b = Buffer.allocUnsafe(e.end - e.lineStart);
      if (readSync(fd, b, 0, b.length, e.lineStart) !== b.length) throw new Error(`${file} is shorter than when it was read`);
      out.line(b);
    }
  } finally {
    closeSync(fd);
  }
}

/** A build's use of the cache: the files it answers for, and what the next build's cache will hold. */
export class BuildCache {
  private readonly shas = new Map<string, string>();
  private readonly hits = new Map<string, Entry>();
  private readonly stats = new Map<string, OutputStat>();

  constructor(private readonly stored: Stored) {}

  /**
   * The files whose text is the one cached and whose generated files under `outDir` are intact, as
   * one shard's results (none when there is no output directory: every file is missing).
   */
  lookup(inputs: readonly PolicyInput[], outDir: string | undefined): CachedShard {
    const output: ShardOutput = { fleetPath: this.stored.fleetPath, findings: [], extraFindings: [], valid: [], files: [], comparison: { paths: [], changed: [] } };
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const shared = new Set<number>();
    for (const input of inputs) {
      const sha = sha256(input.text);
      this.shas.set(input.path, sha);
      const e = this.stored.files.get(input.path);
      if (outDir === undefined || e === undefined || e.sha !== sha) continue;
      const [kind, valid, data, findings, own, sharedAt, outputs] = entryData(this.stored.bytes!, e);
      if (!outputsHold(outDir, outputs, this.stored.stats, this.stats, nowNs)) continue;
      this.hits.set(input.path, e);
      const from = output.findings.length;
      output.findings.push(...findings);
      output.files.push({ path: input.path, from, to: output.findings.length });
      if (valid) output.valid.push({ path: input.path, kind, data });
      output.extraFindings.push(...own);
      for (const i of sharedAt) shared.add(i);
      for (const [rel] of outputs) output.comparison!.paths.push(rel);
    }
    for (const i of shared) output.extraFindings.push(this.stored.table[i]!);
    this.stored.bytes = undefined;
    return { paths: new Set(this.hits.keys()), output };
  }

  /** How many files the cache answered for. */
  get hitCount(): number {
    return this.hits.size;
  }

  /**
   * Writes the cache for the next build: the entries used (their lines as they were), those of the
   * files just done, and the verified stats. Nothing is written when nothing changed.
   */
  save(file: string, fleetPath: string | undefined, shards: readonly ShardOutput[]): void {
    const sameStats = this.stats.size === this.stored.stats.size && [...this.stats].every(([k, st]) => this.stored.stats.get(k) === st);
    const unchanged = shards.every((s) => s.files.length === 0) && this.hits.size === this.stored.files.size && sameStats && fleetPath === this.stored.fleetPath;
    if (unchanged) return;
    const table = [...this.stored.table];
    const tableLines = [...this.stored.tableLines];
    const tableAt = new Map(table.map((f, i) => [findingKey(f), i]));
    const intern = (f: Finding) => {
      const k = findingKey(f);
      let at = tableAt.get(k);
      if (at === undefined) {
        tableAt.set(k, (at = table.length));
        table.push(f);
        tableLines.push(`T\t${JSON.stringify(f)}`);
      }
      return at;
    };
    try {
      // why: not recursive (see makeDirs in emit.ts); a cache location two directories deep must exist but for its last.
      mkdirSync(dirname(file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const temp = `${file}.${process.pid}.tmp`;
    const out = new LineWriter(temp);
    try {
      out.line(`K\t${this.stored.key}`);
      out.line(`F\t${JSON.stringify(fleetPath ?? null)}`);
      for (const [rel, st] of this.stats) out.line(`S\t${JSON.stringify([rel, ...st])}`);
      if (this.hits.size > 0) copyEntries(file, this.stored.sum, this.hits.values(), out);
      for (const s of shards) {
        const valid = new Map(s.valid.map((v) => [v.path, v]));
        const compiled = new Map((s.clusterOutputs ?? []).map((c) => [c.path, c]));
        for (const f of s.files) {
          const sha = this.shas.get(f.path);
          if (sha === undefined) continue;
          const v = valid.get(f.path);
          const c = compiled.get(f.path);
          const extra = (c?.extra ?? []).map((i) => s.extraFindings[i]!);
          const data: EntryData = [
            v?.kind ?? 'cluster',
            v !== undefined,
            v?.data ?? null,
            s.findings.slice(f.from, f.to),
            extra.filter((x) => x.file === f.path),
            extra.filter((x) => x.file !== f.path).map(intern),
            c?.outputs ?? [],
          ];
          const json = exactJson(data);
          if (json !== undefined) out.line(`E\t${JSON.stringify(f.path)}\t${sha}\t${json}`);
        }
      }
      for (const l of tableLines) out.line(l);
      out.close();
      renameSync(temp, file);
    } catch (e) {
      out.abandon();
      throw e;
    }
  }
}
