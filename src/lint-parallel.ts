import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Comparison } from './compile/emit.js';
import type { DeferredNotes } from './compile/outputs.js';
import { placeNote, type UnplacedNote } from './compile/unplaced-note.js';
import type { WrittenAhead } from './compile/temp-files.js';
import type { TargetName } from './compile/index.js';
import { fleetCandidates, lint, mergeShards, type LintResult, type PolicyInput, type ShardResult } from './lint.js';

/**
 * Below this many files a worker's start-up (a fresh isolate loading and warming up yaml, the
 * validators and the rules) costs more than the second core saves. Measured on 2 cores: at 1,500
 * files one thread is still faster (0.86 s against 0.95 s), at 3,000 two workers are (1.47 s
 * against 1.55 s), at 10,000 clearly so (3.5 s against 5.5 s).
 */
export const PARALLEL_THRESHOLD = 2500;

const WORKER_URL = new URL('./lint-worker.js', import.meta.url);

/**
 * A worker's young generation: parsing makes a great deal of short-lived garbage, and with V8's
 * default the worker's heap grows by some 30 MiB of it, which is the process's peak RSS. Measured
 * on the bench fleet, the build is no slower with this limit; 4 MiB since js-yaml reads most
 * files (build --check: 263–269 MiB against 273–284 MiB with 8, 4.04 s against 4.08 s, medians of five).
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/**
 * What identifies the code the workers run, for the build cache: the worker's entry and the names
 * of the files next to it (the bundle's chunks are named by a hash of their content).
 */
export function programIdentity(): string {
  try {
    const entry = readFileSync(WORKER_URL, 'utf8');
    return `${entry}\u0000${readdirSync(new URL('.', WORKER_URL)).sort().join('\u0000')}`;
  } catch {
    // why: code that cannot say what it is (run from the sources) never trusts a cache.
    return `unidentified ${process.pid} ${Date.now()}`;
  }
}

/**
 * How much more of the text the first shard (this thread's) takes than each other shard: a worker
 * first starts an isolate and loads the code, and its smaller young generation (see below) costs it
 * more garbage collection. Measured on the bench fleet: with shards of equal text size this thread
 * waited 0.7 s of its 5 s for the worker; at 1.14 it still waited 0.17–0.22 s of 4.8 s on a
 * faster machine (where the worker's start-up weighs more), at 1.3 at most 0.03 s. Splitting the
 * work dynamically instead (both threads claiming chunks of 32 files) was measured no faster, and
 * the worker then holds every text.
 */
export const FIRST_SHARD_WEIGHT = 1.25;

/** Splits inputs into `n` contiguous shards of about equal parse cost (text size), the first weighted by FIRST_SHARD_WEIGHT. */
export function shard(inputs: readonly PolicyInput[], n: number, firstWeight = FIRST_SHARD_WEIGHT): PolicyInput[][] {
  const total = inputs.reduce((sum, i) => sum + i.text.length, 0);
  const unit = total / (firstWeight + n - 1);
  const shards: PolicyInput[][] = [[]];
  let size = 0;
  for (const input of inputs) {
    if (size >= unit * (firstWeight + shards.length - 1) && shards.length < n) shards.push([]);
    shards[shards.length - 1]!.push(input);
    size += input.text.length;
  }
  return shards.filter((s) => s.length > 0);
}

/** The build's share of a shard's work: compile each cluster and compare its files with the output directory. */
export interface CompileJob {
  targets: readonly TargetName[];
  /** An existing output directory; undefined when there is none yet (every file is missing). */
  outDir?: string;
  /** Also return each cluster's files by hash and its compile findings (ShardOutput.clusterOutputs), for the build cache. */
  hashes?: boolean;
  /** The output directory of a build that writes: changed files are written ahead to temporary files there (see TempWriter). */
  writeTo?: string;
  /** Keep the clusters' info notes in their own files for reading (see DeferredNotes); without it they are only counted. */
  keepNotes?: boolean;
}

/** One cluster's compiled files as hashes, its compile findings as indices into the shard's extraFindings, and what groups it with other clusters. */
export interface ClusterOutputs {
  path: string;
  name: string;
  cmonId: number | null;
  deployment: string | null;
  extra: number[];
  /** [path relative to the output directory, sha256 of its content]. */
  outputs: [string, string][];
}

/** What the main thread sends a worker. */
export interface ShardJob {
  inputs: PolicyInput[];
  fleetInputs: PolicyInput[];
  compile?: CompileJob;
}

/** What a worker sends back: its lint share, and with a CompileJob its clusters' files held against the output directory. */
export interface ShardOutput extends ShardResult {
  comparison?: Comparison;
  /** Why the output directory could not be read (reported only if the build gets as far as writing). */
  outputError?: string;
  clusterOutputs?: ClusterOutputs[];
  written?: WrittenAhead;
  /** Each compiled cluster's share of its deployment's PromotionIgnoreHostnameFilters (see deploymentPolicy), by policy file. */
  barred?: [string, string[]][];
  /** Without the build cache: the clusters' info notes in their own files (see DeferredNotes), left out of extraFindings. */
  notes?: ShardNotes;
}

/** A shard's deferred notes (kept only with CompileJob.keepNotes), or as a worker sends them, their JSON text (see forMessage). */
export type ShardNotes = { count: number; notes?: UnplacedNote[] } | { count: number; json: string };

/** Files the build cache answered for: their results as one more shard, and their paths. */
export interface CachedShard {
  paths: ReadonlySet<string>;
  output: ShardOutput;
}

export interface ParallelOptions {
  /** Have the shards also compile each cluster (see ParallelResult). */
  compile?: CompileJob;
  /** Use worker threads from this many files on (default PARALLEL_THRESHOLD); tests lower it. */
  minFiles?: number;
  /**
   * Results the build cache holds (with a CompileJob): only the other files are linted and
   * compiled, in shards even when they are few, so that each file's results come back for the cache.
   */
  cached?: CachedShard;
}

export interface ParallelResult extends LintResult {
  /**
   * With a CompileJob, when shards ran and all of them resolved the fleet file in force: every
   * cluster's files (cmon, MHA, meta SQL) compared with the output directory. The compile findings
   * are then in `extraFindings`, but for the clusters' info notes in their own files, which are in
   * `notes` (without the build cache; see DeferredNotes).
   */
  clusterFiles?: { comparison: Comparison; outputError?: string; barred: Map<string, string[]>; notes: DeferredNotes };
  /** The shards' own results (with a CompileJob that asks for hashes), which the build cache keeps. */
  shards?: ShardOutput[];
  /**
   * What the shards wrote ahead (CompileJob.writeTo), whether or not their comparison is used:
   * the caller renames these files or deletes them.
   */
  written?: WrittenAhead;
}

/** A worker thread and the result it sends for the one job it is given. */
interface Started {
  worker: Worker;
  result: Promise<ShardOutput>;
}

function startWorker(): Started {
  const worker = new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  const result = new Promise<ShardOutput>((resolve, reject) => {
    worker.once('message', (output: ShardOutput) => {
      resolve(output);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`lint worker exited with code ${code}`));
    });
  });
  // why: a worker that fails before its job is given is awaited then; it must not count as unhandled meanwhile.
  result.catch(() => undefined);
  return { worker, result };
}

/** Workers started before the files are read (see warmWorkers); the next lintParallel takes them. */
let warm: Started[] = [];

/**
 * Starts the worker threads of a large repository while its files are still being read: a
 * worker's start-up (a fresh isolate loading the code, some 100 ms) then overlaps the reading
 * instead of delaying the worker's share. Workers nobody takes do not keep the process alive.
 */
export function warmWorkers(files: number, workers = availableParallelism()): void {
  if (files < PARALLEL_THRESHOLD || warm.length > 0) return;
  warm = Array.from({ length: workers - 1 }, () => {
    const started = startWorker();
    started.worker.unref();
    return started;
  });
}

/** Gives a worker its job: a warm one if any is left, else a new one. */
function runWorker(job: ShardJob): Promise<ShardOutput> {
  const { worker, result } = warm.shift() ?? startWorker();
  worker.ref();
  worker.postMessage(job);
  return result;
}

/** Ends the warm workers no shard took (the repository turned out small, or the cache answered). */
function dismissWarm(): void {
  for (const w of warm) void w.worker.terminate();
  warm = [];
}

/**
 * Runs the first shard on this thread and the others on worker threads: this thread would only
 * wait, and its shard's results need no copy between threads (nor a fresh isolate, about 40 MiB).
 */
async function inWorkersAndHere(shards: PolicyInput[][], job: (s: PolicyInput[]) => ShardJob, inThread: (s: PolicyInput[]) => Promise<ShardOutput>): Promise<ShardOutput[]> {
  const [here, ...there] = shards;
  const others = there.map((s) => runWorker(job(s)));
  const mine = await inThread(here!);
  return [mine, ...(await Promise.all(others))];
}

/**
 * `lint`, spread over worker threads when the repository is large enough for that to pay.
 * The findings are identical to `lint(inputs)` (a test holds the two to it).
 */
export async function lintParallel(inputs: readonly PolicyInput[], workers = availableParallelism(), opts: ParallelOptions = {}): Promise<ParallelResult> {
  const minFiles = opts.minFiles ?? PARALLEL_THRESHOLD;
  const perFile = opts.compile?.hashes === true;
  // why: a large build on one core runs its one shard here, not `lint`, so that its notes are deferred (see DeferredNotes).
  if (!perFile && (inputs.length < minFiles || (workers < 2 && !opts.compile))) {
    dismissWarm();
    return lint(inputs);
  }
  const sorted = [...inputs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const fleetInputs = fleetCandidates(sorted);
  const todo = opts.cached ? sorted.filter((i) => !opts.cached!.paths.has(i.path)) : sorted;
  // why: a text the build cache vouches for is read when used (PolicyInput.known); a worker gets it read.
  const plain = (s: readonly PolicyInput[]) => s.map((i) => ({ path: i.path, text: i.text }));
  const job = (s: PolicyInput[]): ShardJob => ({ inputs: plain(s), fleetInputs: plain(fleetInputs), ...(opts.compile ? { compile: opts.compile } : {}) });
  // why: loaded only here, so that `lint` does not load the compilers.
  const inThread = async (s: PolicyInput[]) => (await import('./shard-work.js')).runShard(job(s));
  const ran = todo.length === 0 ? [] : todo.length < minFiles || workers < 2 ? [await inThread(todo)] : await inWorkersAndHere(shard(todo, workers), job, inThread);
  dismissWarm();
  const shards = opts.cached ? [...ran, opts.cached.output] : ran;
  const ahead = ran.flatMap((s) => (s.written ? [s.written] : []));
  const written = opts.compile?.writeTo === undefined ? undefined : { temps: ahead.flatMap((w) => w.temps), dirs: ahead.flatMap((w) => [...w.dirs]), created: ahead.flatMap((w) => w.created) };
  const merged = mergeShards(sorted, shards);
  // why: a shard that resolved another fleet file (see mergeShards) compiled against the wrong defaults.
  const fleetPath = merged.analysis.repo.fleetFiles[0]?.path;
  if (!opts.compile || shards.some((s) => s.fleetPath !== fleetPath)) {
    const { extraFindings: _, ...rest } = merged;
    return { ...rest, ...(written ? { written } : {}) };
  }
  const comparison: Comparison = { paths: shards.flatMap((s) => s.comparison!.paths), changed: shards.flatMap((s) => s.comparison!.changed) };
  const outputError = shards.find((s) => s.outputError !== undefined)?.outputError;
  const barred = new Map(shards.flatMap((s) => s.barred ?? []));
  const noted = shards.flatMap((s) => (s.notes ? [s.notes] : []));
  const notes: DeferredNotes = {
    count: noted.reduce((n, s) => n + s.count, 0),
    read: () => {
      const sources = new Map(merged.analysis.sources.map((s) => [s.path, s]));
      return noted
        .flatMap((s) => {
          if ('json' in s) return JSON.parse(s.json) as UnplacedNote[];
          if (s.notes === undefined) throw new Error('the notes were counted, not kept (CompileJob.keepNotes)');
          return s.notes;
        })
        .map((n) => placeNote(n, (path) => sources.get(path)!));
    },
  };
  return { ...merged, clusterFiles: { comparison, ...(outputError === undefined ? {} : { outputError }), barred, notes }, ...(perFile ? { shards: ran } : {}), ...(written ? { written } : {}) };
}
