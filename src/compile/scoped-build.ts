import type { Finding } from '../findings.js';
import { finish, fleetOf, repoReportKeys, runRepoRulesKeyed, type KeyedFinding, type PolicyInput } from '../lint.js';
import type { ShardOutput } from '../lint-parallel.js';
import type { ClusterPolicy } from '../policy/model.js';
import { resolveCluster } from '../policy/resolve.js';
import { lazySource, type SourceFile } from '../policy/source.js';
import { runShard } from '../shard-work.js';
import { outputsHold, type BuildCache } from './build-cache.js';
import { entryField, type Entry, type EntryHead } from './build-cache-file.js';
import { compareArtifacts, OutputError, type Comparison } from './emit.js';
import { compileDeployments, findingKey, type TargetName } from './index.js';
import { deploymentHashes, type BuildOutputs, type DeferredNotes } from './outputs.js';

// A cached build scoped to a change (`build --cache` when few policy files changed): only the
// changed files are parsed and compiled, and of the unchanged ones only those a change can meet are
// resolved again from their cached data: the clusters that share a name (letter case folded), a cmon
// cluster id or an orchestrator deployment with a changed cluster, before or after the change.
//
// Why that is exact. Every repository-wide rule decides per group of clusters: a name, an id, a
// deployment (deployment-setting-conflict, and the deployment files), or one cluster with the fleet
// (the hook rules, raft-node-count, multiple-fleet-files). The fleet file is unchanged (the cache is
// keyed by every file that may be one). A group without a changed cluster holds the same clusters
// with the same data before and after, so its findings are the same; those of a group with one are
// all in the scope. The rules are therefore run twice over the scope, with the changed files as
// they were (their data is in the cache) and as they are: the first run names the cached findings
// to drop, the second the findings to add. Per-file findings and generated files are the cache's
// for an unchanged file; grouping, suppressions and sorting then run over all of them, as in a
// build without the cache. A test holds the two builds to the same output over random edits.

/** From this many changed files on, the full build (on every core) is faster than this one thread. */
export const SCOPED_LIMIT = 1000;

export interface ScopedBuild {
  /** The lint findings, grouped, suppressed and sorted, as a build without the cache has them. */
  findings: Finding[];
  outputs: BuildOutputs;
  /** The unchanged files' info notes, kept in the cache. */
  notes: DeferredNotes;
  /** The changed files' results, for the next cache (see BuildCache.save). */
  shard: ShardOutput;
  /** How many unchanged clusters a change can meet, resolved again. */
  met: number;
  repoFindings: KeyedFinding[];
}

/** Thrown when a rule looks at the text of a file the scoped build has only the data of. */
const NO_TEXT = Symbol('no text');

/** A file as the cache holds it: its data, not its text. */
function dataOnly(path: string, data: unknown): SourceFile {
  const none = (): never => {
    throw NO_TEXT;
  };
  return {
    path,
    text: '',
    data,
    syntaxErrors: [],
    get doc() {
      return none();
    },
    get lineCounter() {
      return none();
    },
  };
}

const byPath = (a: ClusterPolicy, b: ClusterPolicy) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0);

interface Unchanged {
  input: PolicyInput;
  entry: Entry;
  head: EntryHead;
}

/**
 * The build of `inputs` from the cache and the changed files alone; undefined when it cannot be
 * scoped (too many changes, a cache without the last build's whole state, a file that is or was
 * no cluster policy, or a cache that does not hold what its build reported): the full build then runs.
 */
export function scopedBuild(cache: BuildCache, inputs: readonly PolicyInput[], outDir: string, targets: readonly TargetName[], fleetInputs: readonly PolicyInput[]): ScopedBuild | undefined {
  const stored = cache.stored;
  const bytes = stored.bytes;
  if (bytes === undefined || !stored.complete) return undefined;
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const changed: PolicyInput[] = [];
  const unchanged: Unchanged[] = [];
  for (const input of inputs) {
    const sha = cache.sha(input);
    const entry = stored.files.get(input.path);
    const head = entry?.sha === sha ? entryField(bytes, entry, 'head') : undefined;
    // why: a file whose generated files were edited or removed is compiled again, as a changed one.
    if (entry === undefined || head === undefined || !outputsHold(outDir, head[2][2], stored.stats, cache.stats, nowNs)) {
      changed.push(input);
      if (changed.length > SCOPED_LIMIT) return undefined;
    } else {
      unchanged.push({ input, entry, head });
    }
  }
  const fleetRead = fleetOf(fleetInputs);
  const { fleet, fleetFiles } = fleetRead;
  if (fleetFiles[0]?.path !== stored.fleetPath) return undefined;

  // The changed files as they were (from the cache) and as they are (parsed, linted and compiled).
  const before: ClusterPolicy[] = [];
  const beforeGroups: [string, number | null, string | null][] = [];
  const same = new Set(unchanged.map((u) => u.input.path));
  for (const [path, entry] of stored.files) {
    if (same.has(path)) continue;
    const [kind, valid, name, cmonId, deployment] = entryField(bytes, entry, 'head')[0];
    if (kind !== 'cluster') return undefined;
    if (!valid) continue;
    before.push(resolveCluster(dataOnly(path, entryField(bytes, entry, 'data')), fleet));
    beforeGroups.push([name!, cmonId, deployment]);
  }
  const shard = runShard({ inputs: changed, fleetInputs: [...fleetInputs], compile: { targets, outDir, hashes: true } }, fleetRead);
  if (shard.valid.some((v) => v.kind !== 'cluster')) return undefined;
  const texts = new Map(changed.map((i) => [i.path, i.text]));
  const after = shard.valid.map((v) => resolveCluster(lazySource(v.path, texts.get(v.path)!, v.data), fleet));

  const names = new Set<string>();
  const ids = new Set<number>();
  const deployments = new Set<string>();
  const group = (name: string, cmonId: number | null | undefined, deployment: string | null | undefined) => {
    names.add(name.toLowerCase());
    if (cmonId !== null && cmonId !== undefined) ids.add(cmonId);
    if (deployment !== null && deployment !== undefined) deployments.add(deployment);
  };
  for (const [name, cmonId, deployment] of beforeGroups) group(name, cmonId, deployment);
  for (const c of after) group(c.name, c.cmon?.clusterId, c.orchestrator?.deployment);
  const keptDeployments = new Map<string, [string, string][]>();
  for (const [name, outputs] of stored.deployments) {
    if (deployments.has(name)) continue;
    if (outputsHold(outDir, outputs, stored.stats, cache.stats, nowNs)) keptDeployments.set(name, outputs);
    else deployments.add(name);
  }

  // The unchanged clusters a change can meet, resolved from their cached data.
  const met: ClusterPolicy[] = [];
  for (const u of unchanged) {
    const [kind, valid, name, cmonId, deployment] = u.head[0];
    if (kind !== 'cluster' || !valid || name === null) continue;
    if (!names.has(name.toLowerCase()) && !(cmonId !== null && ids.has(cmonId)) && !(deployment !== null && deployments.has(deployment))) continue;
    met.push(resolveCluster(lazySource(u.input.path, () => u.input.text, entryField(bytes, u.entry, 'data')), fleet));
  }

  const repoOf = (side: readonly ClusterPolicy[]) => ({ clusters: [...met, ...side].sort(byPath), fleet, fleetFiles });
  let dropped: string[];
  try {
    dropped = repoReportKeys(repoOf(before));
  } catch (e) {
    if (e === NO_TEXT) return undefined;
    throw e;
  }
  const toDrop = new Map<string, number>();
  for (const k of dropped) toDrop.set(k, (toDrop.get(k) ?? 0) + 1);
  const repoFindings = stored.repoFindings.filter((r) => {
    const n = toDrop.get(r.key);
    if (n === undefined || n === 0) return true;
    toDrop.set(r.key, n - 1);
    return false;
  });
  if ([...toDrop.values()].some((n) => n > 0)) return undefined;
  const newRepo = repoOf(after);
  repoFindings.push(...runRepoRulesKeyed(newRepo));

  const lintFindings: Finding[] = [...shard.findings, ...repoFindings.map((r) => r.finding)];
  for (const u of unchanged) lintFindings.push(...u.head[1]);
  // why: suppressions are all the sources are needed for here; a file known to have none need not be read.
  const sources = inputs.filter((i) => i.known?.directives !== false).map((i) => lazySource(i.path, i.text, undefined));
  const findings = finish(lintFindings, sources);

  const compileFindings = new Map<string, Finding>();
  const shared = new Set<number>();
  let notes = 0;
  const comparison: Comparison = { paths: [], changed: [] };
  for (const u of unchanged) {
    const [own, sharedAt, outputs, count] = u.head[2];
    for (const f of own) compileFindings.set(findingKey(f), f);
    for (const i of sharedAt) shared.add(i);
    for (const [rel] of outputs) comparison.paths.push(rel);
    notes += count;
  }
  for (const i of shared) compileFindings.set(findingKey(stored.table[i]!), stored.table[i]!);
  for (const f of shard.extraFindings) compileFindings.set(findingKey(f), f);
  comparison.paths.push(...shard.comparison!.paths);
  comparison.changed.push(...shard.comparison!.changed);
  const d = compileDeployments(newRepo, targets, deployments);
  for (const f of d.findings) compileFindings.set(findingKey(f), f);
  for (const outputs of keptDeployments.values()) for (const [rel] of outputs) comparison.paths.push(rel);
  let outputError = shard.outputError;
  if (outputError === undefined) {
    try {
      compareArtifacts(outDir, d.artifacts, comparison);
    } catch (e) {
      if (!(e instanceof OutputError)) throw e;
      outputError = e.message;
    }
  }
  comparison.changed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const u of unchanged) cache.hit(u.input.path, u.entry);
  const outputs: BuildOutputs = {
    comparison,
    findings: [...compileFindings.values()],
    ...(outputError === undefined ? {} : { outputError }),
    deployments: new Map([...keptDeployments, ...deploymentHashes(d.byDeployment)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
  const read = () => unchanged.flatMap((u) => (u.head[2][3] > 0 ? entryField(bytes, u.entry, 'notes') : []));
  return { findings, outputs, notes: { count: notes, read }, shard, repoFindings, met: met.length };
}
