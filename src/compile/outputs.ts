import { statSync } from 'node:fs';
import type { Finding } from '../findings.js';
import type { Repo } from '../rules/rule.js';
import { sha256, type Artifact } from './artifact.js';
import { compileCluster, compileDeployments, findingKey, type TargetName } from './index.js';
import { compareArtifacts, OutputError, type Comparison } from './emit.js';
import type { TempWriter } from './temp-files.js';
import { clusterBarred } from './orchestrator.js';

// What a build produces, held against the output directory, assembled from the two halves of the
// compiler: every cluster's own files (on the worker threads, when they ran) and the files of whole
// deployments (here, since they need every cluster of the deployment).

/** The build's files compared with the output directory, and the compile findings. */
export interface BuildOutputs {
  comparison: Comparison;
  findings: Finding[];
  /** Why the output directory could not be read; raised only when the build gets as far as writing or checking. */
  outputError?: string;
  /** Each orchestrator deployment's files, [path, sha256] (the build cache keeps them). */
  deployments: Map<string, [string, string][]>;
}

/**
 * Info notes of compiled clusters in their own files (what an engine cannot express: 50,002 of
 * the 50,016 notes on the bench fleet), counted, and positioned only when shown or configured
 * (see UnplacedNote). Such a note comes from its cluster alone (splitOwnNotes de-duplicates
 * them), and no deployment's finding is in a cluster's file, so none can equal another finding.
 */
export interface DeferredNotes {
  count: number;
  read(): Finding[];
}

/** Each deployment's files as [path, sha256 of the content]. */
export function deploymentHashes(byDeployment: ReadonlyMap<string, readonly Artifact[]>): Map<string, [string, string][]> {
  return new Map([...byDeployment].map(([name, artifacts]) => [name, artifacts.map((a): [string, string] => [a.path, sha256(a.content)])]));
}

/** What the worker threads compiled and compared (see ParallelResult.clusterFiles), with their findings. */
export interface ShardFiles {
  comparison: Comparison;
  outputError?: string;
  findings: readonly Finding[];
  /** The compiled clusters' shares of PromotionIgnoreHostnameFilters (see deploymentPolicy), by policy file; the others' are computed here. */
  barred?: ReadonlyMap<string, readonly string[]>;
}

/** `dir` when it is an existing directory, which is worth comparing with; else undefined (every file is missing, or checkOutDir will say why not). */
export function existingDir(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  try {
    return statSync(dir).isDirectory() ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `dir` when a build can write ahead into it (see TempWriter): an existing directory, or nothing yet
 * (made when written to). Anything else is left to the writing step, which says what is wrong.
 */
export function writableDir(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? dir : undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? dir : undefined;
  }
}

/**
 * Compiles what the shards have not (every cluster, when no shards ran; the deployments always) and
 * compares it with `outDir`, writing changed files ahead with `writer`. The result is the same
 * whichever thread compiled a file.
 */
export function buildOutputs(repo: Pick<Repo, 'clusters' | 'fleet'>, targets: readonly TargetName[], outDir: string | undefined, shards?: ShardFiles, writer?: TempWriter): BuildOutputs {
  const comparison: Comparison = shards?.comparison ?? { paths: [], changed: [] };
  const findings = new Map<string, Finding>();
  let outputError = shards?.outputError;
  const add = (artifacts: Parameters<typeof compareArtifacts>[1], found: readonly Finding[]) => {
    for (const f of found) findings.set(findingKey(f), f);
    if (outputError !== undefined) return;
    try {
      compareArtifacts(outDir, artifacts, comparison, writer);
      outputError = writer?.error;
    } catch (e) {
      if (!(e instanceof OutputError)) throw e;
      outputError = e.message;
    }
  };
  // why: the shards' findings are distinct already (some 50,000 notes on the bench fleet); only
  // those in a file that a deployment finding is in can equal one, and only they are keyed.
  const apart: Finding[] = [];
  if (!shards) {
    for (const c of repo.clusters) {
      const r = compileCluster(c, repo.fleet, targets);
      add(r.artifacts, r.findings);
    }
  }
  const known = shards?.barred;
  const d = compileDeployments(repo, targets, undefined, known && ((c) => known.get(c.file.path) ?? clusterBarred(c)));
  if (shards) {
    const files = new Set(d.findings.map((f) => f.file));
    for (const f of shards.findings) {
      if (files.has(f.file)) findings.set(findingKey(f), f);
      else apart.push(f);
    }
  }
  add(d.artifacts, d.findings);
  comparison.changed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { comparison, findings: [...apart, ...findings.values()], ...(outputError === undefined ? {} : { outputError }), deployments: deploymentHashes(d.byDeployment) };
}
