import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
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

export interface ParallelOptions {
  /** Have the shards also compile each cluster for these targets (see LintResult.extraFindings). */
  compileTargets?: readonly TargetName[];
  /** Use worker threads from this many files on (default PARALLEL_THRESHOLD); tests lower it. */
  minFiles?: number;
}

function runWorker(inputs: PolicyInput[], fleetInputs: PolicyInput[], opts: ParallelOptions): Promise<ShardResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL);
    worker.once('message', (result: ShardResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`lint worker exited with code ${code}`));
    });
    worker.postMessage({ inputs, fleetInputs, compileTargets: opts.compileTargets });
  });
}

/**
 * `lint`, spread over worker threads when the repository is large enough for that to pay.
 * The result is identical to `lint(inputs)` (a test holds the two to it).
 */
export async function lintParallel(inputs: readonly PolicyInput[], workers = availableParallelism(), opts: ParallelOptions = {}): Promise<LintResult> {
  if (inputs.length < (opts.minFiles ?? PARALLEL_THRESHOLD) || workers < 2) return lint(inputs);
  const sorted = [...inputs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const fleetInputs = fleetCandidates(sorted);
  const shards = await Promise.all(shard(sorted, workers).map((s) => runWorker(s, fleetInputs, opts)));
  return mergeShards(sorted, shards);
}
