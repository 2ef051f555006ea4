import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Comparison } from './compile/emit.js';
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

/** Splits inputs into `n` contiguous shards of about equal text size (the parse cost). */
export function shard(inputs: readonly PolicyInput[], n: number): PolicyInput[][] {
  const total = inputs.reduce((sum, i) => sum + i.text.length, 0);
  const shards: PolicyInput[][] = [[]];
  let size = 0;
  for (const input of inputs) {
    if (size >= (total / n) * shards.length && shards.length < n) shards.push([]);
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
}

export interface ParallelOptions {
  /** Have the shards also compile each cluster (see ParallelResult). */
  compile?: CompileJob;
  /** Use worker threads from this many files on (default PARALLEL_THRESHOLD); tests lower it. */
  minFiles?: number;
}

export interface ParallelResult extends LintResult {
  /**
   * With a CompileJob, when shards ran and all of them resolved the fleet file in force: every
   * cluster's files (cmon, MHA, meta SQL) compared with the output directory. The compile findings
   * are then in `extraFindings`.
   */
  clusterFiles?: { comparison: Comparison; outputError?: string };
}

function runWorker(job: ShardJob): Promise<ShardOutput> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL);
    worker.once('message', (result: ShardOutput) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`lint worker exited with code ${code}`));
    });
    worker.postMessage(job);
  });
}

/**
 * `lint`, spread over worker threads when the repository is large enough for that to pay.
 * The findings are identical to `lint(inputs)` (a test holds the two to it).
 */
export async function lintParallel(inputs: readonly PolicyInput[], workers = availableParallelism(), opts: ParallelOptions = {}): Promise<ParallelResult> {
  if (inputs.length < (opts.minFiles ?? PARALLEL_THRESHOLD) || workers < 2) return lint(inputs);
  const sorted = [...inputs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const fleetInputs = fleetCandidates(sorted);
  const shards = await Promise.all(shard(sorted, workers).map((s) => runWorker({ inputs: s, fleetInputs, ...(opts.compile ? { compile: opts.compile } : {}) })));
  const merged = mergeShards(sorted, shards);
  // why: a shard that resolved another fleet file (see mergeShards) compiled against the wrong defaults.
  const fleetPath = merged.analysis.repo.fleetFiles[0]?.path;
  if (!opts.compile || shards.some((s) => s.fleetPath !== fleetPath)) {
    const { extraFindings: _, ...rest } = merged;
    return rest;
  }
  const comparison: Comparison = { paths: shards.flatMap((s) => s.comparison!.paths), changed: shards.flatMap((s) => s.comparison!.changed) };
  const outputError = shards.find((s) => s.outputError !== undefined)?.outputError;
  return { ...merged, clusterFiles: { comparison, ...(outputError === undefined ? {} : { outputError }) } };
}
