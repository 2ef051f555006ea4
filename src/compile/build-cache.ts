import { lstatSync, mkdirSync, readFileSync, renameSync, type BigIntStats } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Finding } from '../findings.js';
import type { CachedShard, ShardOutput } from '../lint-parallel.js';
import type { KeyedFinding, KnownText, PolicyInput } from '../lint.js';
import { mayBeFleet } from '../policy/fleet-candidate.js';
import { isPolicyDocument } from '../policy/schema.js';
import { DIRECTIVE_MARK } from '../suppress.js';
import { RACY_NS } from '../util/input-file.js';
import { sha256 } from './artifact.js';
import { MAGIC, entryField, entryLine, flagLetters, outputStat, type Entry, type OutputStat, type Stored } from './build-cache-file.js';
import { LineWriter, appendRecord, entryLines, journalRoom } from './build-cache-write.js';
import { findingKey } from './index.js';

export { keyed, loadCache, vouchedFacts, type LoadedCache } from './build-cache-file.js';

// The build cache (`build --cache`): what each policy file gave the last build — its lint findings,
// its plain data (for the repository-wide rules and the deployment files), its compile findings
// and its generated files by hash — keyed by the sha256 of the file's text, with the file's stat
// that vouches for it; and the last build's repository-wide findings and deployment files. A build
// parses and compiles only the files whose text changed, or whose generated files are not (any
// longer) what they should be; with few of them, it is scoped to them (scoped-build.ts). Everything
// a build reports is what a build without the cache reports: the cache only ever answers for a file
// whose results are a function of what it checks.

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

/**
 * Whether each of `outputs` has the content of its hash under `outDir`: by the stat recorded when
 * it was last hashed, else by hashing its bytes (then recorded in `stats`, unless racy).
 */
export function outputsHold(outDir: string, outputs: readonly [string, string][], old: Map<string, OutputStat>, stats: Map<string, OutputStat>, nowNs: bigint): boolean {
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
    if (r !== undefined && r === outputStat(sha, st)) {
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
      stats.set(rel, outputStat(sha, after));
    }
  }
  return true;
}

/** A build's use of the cache: the files it answers for, and what the next build's cache will hold. */
export class BuildCache {
  /** What each input's text holds (see sha). */
  readonly facts = new Map<string, { known: KnownText; stat?: string }>();
  /** The entries the cache answers for. */
  readonly hits = new Map<string, Entry>();
  /**
   * Hits whose file's stat is not the one recorded (too recent to trust then, or a fresh checkout):
   * the head their line gets in the next cache, before their stored fields.
   */
  private readonly restated = new Map<Entry, string>();
  /** The outputs verified by this build, for the next one. */
  readonly stats = new Map<string, OutputStat>();

  /** `program`: the identity of the program, whose facts of a text a later build may trust (see vouchedFacts). */
  constructor(
    readonly stored: Stored,
    private readonly program: string,
  ) {}

  /** The sha256 of an input's text, from what the cache vouches for or by reading it; kept for the next cache with the rest of its facts. */
  sha(input: PolicyInput): string {
    let f = this.facts.get(input.path);
    if (f === undefined) {
      const known = input.known ?? { sha: sha256(input.text), mayBeFleet: mayBeFleet(input), directives: input.text.includes(DIRECTIVE_MARK), policy: isPolicyDocument(input.path, input.text) };
      this.facts.set(input.path, (f = { known, ...(input.stat === undefined ? {} : { stat: input.stat }) }));
    }
    return f.known.sha;
  }

  /**
   * The files whose text is the one cached and whose generated files under `outDir` are intact, as
   * one shard's results (none when there is no output directory: every file is missing).
   */
  lookup(inputs: readonly PolicyInput[], outDir: string | undefined): CachedShard {
    const output: ShardOutput = { fleetPath: this.stored.fleetPath, findings: [], extraFindings: [], valid: [], files: [], comparison: { paths: [], changed: [] } };
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const shared = new Set<number>();
    for (const input of inputs) {
      const sha = this.sha(input);
      const e = this.stored.files.get(input.path);
      if (outDir === undefined || e === undefined || e.sha !== sha) continue;
      const bytes = this.stored.bytes!;
      const [[kind, valid], findings, [own, sharedAt, outputs, notes]] = entryField(bytes, e, 'head');
      if (!outputsHold(outDir, outputs, this.stored.stats, this.stats, nowNs)) continue;
      this.hit(input.path, e);
      const from = output.findings.length;
      output.findings.push(...findings);
      output.files.push({ path: input.path, from, to: output.findings.length });
      if (valid) output.valid.push({ path: input.path, kind, data: entryField(bytes, e, 'data') });
      output.extraFindings.push(...own, ...(notes > 0 ? entryField(bytes, e, 'notes') : []));
      for (const i of sharedAt) shared.add(i);
      for (const [rel] of outputs) output.comparison!.paths.push(rel);
    }
    for (const i of shared) output.extraFindings.push(this.stored.table[i]!);
    this.stored.bytes = undefined;
    return { paths: new Set(this.hits.keys()), output };
  }

  /** Records that the cache answers for `path` with `entry`. */
  hit(path: string, entry: Entry): void {
    this.hits.set(path, entry);
    const stat = this.facts.get(path)?.stat;
    // why: a file the cache met too soon after a change has no stat recorded, and one in a fresh
    // checkout another; now it can have its own, and need not be read next time. Only the head is
    // kept: the fields are copied from the file when the cache is written (a fresh checkout
    // restates every entry, some 30 MiB on the bench fleet).
    if (stat !== undefined && stat !== entry.stat) this.restated.set(entry, `E\t${JSON.stringify(path)}\t${entry.sha}\t${stat}\t${flagLetters(entry.known)}\t`);
  }

  /** How many files the cache answered for. */
  get hitCount(): number {
    return this.hits.size;
  }

  /**
   * Writes the cache for the next build: the entries used (their lines as they were), those of the
   * files just done, the repository-wide findings and deployment files of this build, and the
   * verified stats. Nothing is written when nothing changed.
   */
  save(file: string, fleetPath: string | undefined, shards: readonly ShardOutput[], repoFindings: readonly KeyedFinding[], deployments: ReadonlyMap<string, [string, string][]> | undefined): void {
    const sameStats = this.stats.size === this.stored.stats.size && [...this.stats].every(([k, st]) => this.stored.stats.get(k) === st);
    // why: with no file changed the repository-wide findings and the deployment files are those of the build that wrote the cache.
    const unchanged =
      shards.every((s) => s.files.length === 0) &&
      this.hits.size === this.stored.files.size &&
      this.restated.size === 0 &&
      sameStats &&
      fleetPath === this.stored.fleetPath &&
      (this.stored.complete || deployments === undefined);
    if (unchanged) return;
    const table = [...this.stored.table];
    const tableLines: string[] = [];
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
    // The files just done: their entries, and whether every one of them could be kept.
    const entries: string[] = [];
    let complete = deployments !== undefined;
    for (const s of shards) {
      const valid = new Map(s.valid.map((v) => [v.path, v]));
      const compiled = new Map((s.clusterOutputs ?? []).map((c) => [c.path, c]));
      for (const f of s.files) {
        const facts = this.facts.get(f.path);
        if (facts === undefined) continue;
        const v = valid.get(f.path);
        const c = compiled.get(f.path);
        const extra = (c?.extra ?? []).map((i) => s.extraFindings[i]!);
        const own = extra.filter((x) => x.file === f.path);
        const notes = own.filter((x) => x.severity === 'info');
        const line = entryLine(f.path, facts.known, facts.stat, {
          head: [
            [v?.kind ?? 'cluster', v !== undefined, c?.name ?? null, c?.cmonId ?? null, c?.deployment ?? null],
            s.findings.slice(f.from, f.to),
            [own.filter((x) => x.severity !== 'info'), extra.filter((x) => x.file !== f.path).map(intern), c?.outputs ?? [], notes.length],
          ],
          data: v?.data ?? null,
          notes,
        });
        if (line !== undefined) entries.push(line);
        else complete = false;
      }
    }
    const results = [
      ...repoFindings.map((r) => `R\t${JSON.stringify(r.key)}\t${JSON.stringify(r.finding)}`),
      ...[...(deployments ?? [])].map(([name, outputs]) => `D\t${JSON.stringify(name)}\t${JSON.stringify(outputs)}`),
      ...tableLines,
    ];
    const statLine = (rel: string, st: OutputStat) => `S\t${JSON.stringify(rel)}\t${st}`;
    if (fleetPath === this.stored.fleetPath) {
      const written = new Set(entries.map((l) => l.slice(2, l.indexOf('\t', 2))));
      const gone = [...this.stored.files.keys()].filter((p) => !this.hits.has(p) && !written.has(JSON.stringify(p))).map((p) => `-\t${JSON.stringify(p)}`);
      const stats = [...this.stats].filter(([rel, st]) => this.stored.stats.get(rel) !== st).map(([rel, st]) => statLine(rel, st));
      const restated: Buffer[] = [];
      // why: restated entries too many for a journal record are not read just to find that out.
      const size = [...this.restated.keys()].reduce((sum, e) => sum + e.end - e.fieldsStart, 0);
      if (size <= journalRoom(this.stored) && entryLines(file, this.stored.sum, this.restated.keys(), this.restated, (l) => restated.push(l))) {
        if (appendRecord(file, this.stored, [...stats, ...gone, ...restated, ...entries, ...results, ...(complete ? ['C\t'] : [])])) return;
      }
    }
    try {
      // why: not recursive (see makeDirs in emit.ts); a cache location two directories deep must exist but for its last.
      mkdirSync(dirname(file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const temp = `${file}.${process.pid}.tmp`;
    const out = new LineWriter(temp);
    try {
      out.line(`P\t${this.program}`);
      out.line(`K\t${this.stored.key}`);
      out.line(`F\t${JSON.stringify(fleetPath ?? null)}`);
      for (const [rel, st] of this.stats) out.line(statLine(rel, st));
      // why: entries that could not be copied (another build replaced the file) leave the state incomplete.
      if (this.hits.size > 0 && !entryLines(file, this.stored.sum, this.hits.values(), this.restated, (l) => out.line(l))) complete = false;
      for (const l of entries) out.line(l);
      for (const l of this.stored.tableLines) out.line(l);
      for (const l of results) out.line(l);
      if (complete) out.line('C\t');
      out.close();
      renameSync(temp, file);
    } catch (e) {
      out.abandon();
      throw e;
    }
  }
}
