import { readFileSync, type BigIntStats } from 'node:fs';
import type { Finding } from '../findings.js';
import type { KeyedFinding, KnownText } from '../lint.js';
import type { DocumentKind } from '../policy/schema.js';
import { sha256 } from './artifact.js';

// The build cache's file (see build-cache.ts): its format, reading it, and writing it.

/** The first line of a cache file; another format or another program's file is ignored. */
export const MAGIC = 'succession build cache 4';

/**
 * A generated file recorded unchanged since it was hashed: its stat, compared before its bytes are
 * trusted. ctime cannot be set back by a user and changes with any write, rename or chmod.
 */
export type OutputStat = string;

/** An OutputStat: the file's sha256, size, mtime and ctime (ns), inode and device, separated by tabs (see outputsHold). */
export function outputStat(sha: string, st: BigIntStats): OutputStat {
  return `${sha}\t${st.size}\t${st.mtimeNs}\t${st.ctimeNs}\t${st.ino}\t${st.dev}`;
}

/**
 * What a build must know of every file to find the clusters a change can meet (see scoped-build.ts):
 * its kind, whether it is schema-valid, and of a valid cluster its name, cmon cluster id and
 * orchestrator deployment as resolved.
 */
export type EntryIndex = [kind: DocumentKind, valid: boolean, name: string | null, cmonId: number | null, deployment: string | null];

/** A cluster's compile results: what it gave the build besides its lint findings. */
export type EntryCompiled = [
  /** Compile findings in this file that are not info notes. */
  own: Finding[],
  /** Compile findings in other files (a fleet default noted for every cluster), as indices into the shared table. */
  shared: number[],
  /** Generated files: [path relative to the output directory, sha256]. */
  outputs: [string, string][],
  /** How many info notes the file has (the last field), so that they are counted without being read. */
  notes: number,
];

/** What a build needs of every unchanged file: its index, its lint findings and its compile results. */
export type EntryHead = [index: EntryIndex, findings: Finding[], compiled: EntryCompiled];

/**
 * A file's results, as stored: one JSON value per field, each parsed only when needed. The data
 * (schema-valid data is JSON) is needed only for the clusters a change can meet, the info notes
 * (about half of the cache on the bench fleet) only when they are shown.
 */
export interface EntryFields {
  head: EntryHead;
  data: unknown;
  notes: Finding[];
}

const FIELDS: readonly (keyof EntryFields)[] = ['head', 'data', 'notes'];

/** Where a file's entry is in the cache file: its line is copied into the next cache as it is, its fields parsed only when needed. */
export interface Entry {
  sha: string;
  /** The file's stat when it was read (see inputStat), or '' when it was too recent to trust. */
  stat: string;
  /** What the text holds, vouched for by the stat. */
  known: KnownText;
  lineStart: number;
  /** Where the first field starts. */
  fieldsStart: number;
  end: number;
}

export interface Stored {
  key: string;
  /** The program that wrote the cache (its P line, a sha256): only its own facts of a text are trusted. */
  program: string;
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
  /** The repository-wide rules' findings, before grouping and suppression. */
  repoFindings: KeyedFinding[];
  /** Each orchestrator deployment's generated files, [path, sha256]. */
  deployments: Map<string, [string, string][]>;
  /** Whether every file of the build that wrote the cache has its entry (see scoped-build.ts). */
  complete: boolean;
  /** Where the file's checksummed body ends and its journal starts. */
  bodyEnd: number;
  /** How much of the file the state was read from (a torn or foreign append after it is left out); the next journal record goes there. */
  length: number;
}

const TAB = 9;
const NEWLINE = 10;


/** The cache as loaded, and why it was not used when it was not (corrupt or foreign; a changed key is not worth saying). */
export interface LoadedCache {
  stored: Stored;
  ignored?: string;
}

export function empty(key: string): Stored {
  return { key, program: '', sum: '', bytes: undefined, fleetPath: undefined, table: [], tableLines: [], files: new Map(), stats: new Map(), repoFindings: [], deployments: new Map(), complete: false, bodyEnd: 0, length: 0 };
}

// The file: the magic line; the sha256 of the body and its length (16 digits); the body, lines of a
// letter, a tab and fields: P program, K key, F fleet path (JSON), T a shared finding (JSON), S path
// (JSON) and the six fields of its OutputStat (hex and decimal digits) separated by tabs, E path
// (JSON), sha, stat, the letters of the KnownText flags that hold (f, d, p) and the EntryFields
// (JSON each) separated by tabs, R a repository-wide finding's key and the finding (JSON each), D a
// deployment's name and its generated files (JSON each), C (nothing after the tab) when every file
// of the build has its entry. JSON never holds a raw tab.
// why: the stats are tab-separated, not JSON, because the bench fleet has 23,000 of them to read on every build.
//
// Then the journal: a build that changed a few entries appends a record rather than rewriting tens
// of MiB. A record is a line `A`, the sha256 of its lines, their length and the offset the record
// was written for (the file's length its writer read), then its lines: N first (the repository-wide
// findings, the deployments and C start afresh), E for a changed file, - and a path (JSON) for a
// file gone, S, T, R, D and C as above. A record that is torn, or was written for another offset (a
// concurrent build appended first), ends the journal: what is before it is one build's whole state.

/** Reads the cache at `file`; a missing, corrupt or foreign file gives an empty cache (see keyed). */
export function loadCache(file: string): LoadedCache {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return { stored: empty('') };
  }
  const first = bytes.indexOf(NEWLINE);
  const second = bytes.indexOf(NEWLINE, first + 1);
  if (first < 0 || bytes.toString('latin1', 0, first) !== MAGIC || second < 0) return { stored: empty(''), ignored: 'not a succession build cache' };
  const sum = bytes.toString('latin1', first + 1, second);
  const head = /^([0-9a-f]{64}) ([0-9]{16})$/.exec(sum);
  const bodyEnd = second + 1 + Number(head?.[2] ?? 0);
  if (head === null || bodyEnd > bytes.length || sha256(bytes.subarray(second + 1, bodyEnd)) !== head[1]) return { stored: empty(''), ignored: 'corrupt (its checksum does not match)' };
  try {
    const stored = parseLines(bytes, second + 1, bodyEnd, { ...empty(''), sum, bytes, bodyEnd });
    if (stored.key === '') throw new Error('no key');
    let at = bodyEnd;
    for (;;) {
      const end = bytes.indexOf(NEWLINE, at);
      const record = end < 0 ? null : /^A\t([0-9a-f]{64})\t([0-9]+)\t([0-9]+)$/.exec(bytes.toString('latin1', at, end));
      if (record === null || Number(record[3]) !== at) break;
      const to = end + 1 + Number(record[2]);
      if (to > bytes.length || sha256(bytes.subarray(end + 1, to)) !== record[1]) break;
      parseLines(bytes, end + 1, to, stored);
      at = to;
    }
    stored.length = at;
    return { stored };
  } catch {
    return { stored: empty(''), ignored: 'corrupt' };
  }
}

/** The cache if it was written for `key`, else an empty one: everything an entry says depends on what the key covers. */
export function keyed(stored: Stored, key: string): Stored {
  return stored.key === key ? stored : empty(key);
}

/** The text facts of an entry, vouched for when `program` wrote the cache and the file's stat is the one recorded. */
export function vouchedFacts(stored: Stored, program: string, path: string, stat: string): KnownText | undefined {
  if (stored.program !== program) return undefined;
  const e = stored.files.get(path);
  return e !== undefined && e.stat === stat ? e.known : undefined;
}

/** An entry's KnownText flags as letters. */
export function flagLetters(k: Omit<KnownText, 'sha'>): string {
  return `${k.mayBeFleet ? 'f' : ''}${k.directives ? 'd' : ''}${k.policy ? 'p' : ''}`;
}


/** Reads the lines from `from` to `to` into `stored`: the body (into an empty one), or a journal record. */
function parseLines(bytes: Buffer, from: number, to: number, stored: Stored): Stored {
  const body = stored.key === '';
  for (let start = from; start < to; ) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0 || end > to) end = to;
    if (bytes[start + 1] !== TAB) throw new Error('bad line');
    const kind = String.fromCharCode(bytes[start]!);
    const rest = () => bytes.toString('utf8', start + 2, end);
    if (body && stored.key === '') {
      if (kind === 'P') stored.program = rest();
      else if (kind === 'K') stored.key = rest();
      else throw new Error('no key');
    } else if (!body && start === from) {
      if (kind !== 'N') throw new Error('bad record');
      stored.repoFindings = [];
      stored.deployments = new Map();
      stored.complete = false;
    } else if (kind === '-' && !body) {
      stored.files.delete(JSON.parse(rest()) as string);
    } else if (kind === 'E') {
      const tabs = [start + 1];
      for (let i = 0; i < 4; i++) {
        const t = bytes.indexOf(TAB, tabs[i]! + 1);
        if (t < 0 || t >= end) throw new Error('bad entry');
        tabs.push(t);
      }
      const [, a, b, c, d] = tabs as [number, number, number, number, number];
      const flags = bytes.toString('latin1', c + 1, d);
      const sha = bytes.toString('latin1', a + 1, b);
      const known = { sha, mayBeFleet: flags.includes('f'), directives: flags.includes('d'), policy: flags.includes('p') };
      stored.files.set(JSON.parse(bytes.toString('utf8', start + 2, a)) as string, { sha, stat: bytes.toString('latin1', b + 1, c), known, lineStart: start, fieldsStart: d + 1, end });
    } else if (kind === 'R' || kind === 'D') {
      const a = bytes.indexOf(TAB, start + 2);
      if (a < 0 || a >= end) throw new Error('bad line');
      const first = JSON.parse(bytes.toString('utf8', start + 2, a)) as string;
      const second: unknown = JSON.parse(bytes.toString('utf8', a + 1, end));
      if (kind === 'R') stored.repoFindings.push({ key: first, finding: second as Finding });
      else stored.deployments.set(first, second as [string, string][]);
    } else if (kind === 'S') {
      const a = bytes.indexOf(TAB, start + 2);
      if (a < 0 || a >= end) throw new Error('bad stat');
      stored.stats.set(JSON.parse(bytes.toString('utf8', start + 2, a)) as string, bytes.toString('latin1', a + 1, end));
    } else if (kind === 'T') {
      stored.table.push(JSON.parse(rest()) as Finding);
      stored.tableLines.push(bytes.toString('utf8', start, end));
    } else if (kind === 'C') {
      stored.complete = true;
    } else if (kind === 'F' && body) {
      stored.fleetPath = (JSON.parse(rest()) as string | null) ?? undefined;
    } else {
      throw new Error('bad line');
    }
    start = end + 1;
  }
  return stored;
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

/** One field of an entry, parsed. */
export function entryField<K extends keyof EntryFields>(bytes: Buffer, e: Entry, name: K): EntryFields[K] {
  const n = FIELDS.indexOf(name);
  let from = e.fieldsStart;
  for (let i = 0; i < n; i++) {
    const tab = bytes.indexOf(TAB, from);
    if (tab < 0 || tab >= e.end) throw new Error('bad entry');
    from = tab + 1;
  }
  const to = n === FIELDS.length - 1 ? e.end : bytes.indexOf(TAB, from);
  if (to < from || to > e.end) throw new Error('bad entry');
  return JSON.parse(bytes.toString('utf8', from, to)) as EntryFields[K];
}

/** An entry's line, or undefined when a field is not exact JSON (the file is then not cached). */
export function entryLine(path: string, known: KnownText, stat: string | undefined, fields: EntryFields): string | undefined {
  const parts: string[] = [];
  for (const name of FIELDS) {
    const json = exactJson(fields[name]);
    if (json === undefined) return undefined;
    parts.push(json);
  }
  return `E\t${JSON.stringify(path)}\t${known.sha}\t${stat ?? ''}\t${flagLetters(known)}\t${parts.join('\t')}`;
}

