import { byCode } from '../compile/artifact.js';
import type { Finding } from '../findings.js';
import type { Analysis } from '../lint.js';
import type { ClusterPolicy, FleetPolicy } from '../policy/model.js';
import type { Topology } from '../topology/model.js';
import { candidateChanges } from './candidates.js';
import { configChanges, deploymentDiff } from './config.js';
import { changes, clusterFacts, fingerprint, flatten } from './facts.js';
import { failureChanges } from './failures.js';
import { clustersOf, findingChanges, findingsOf } from './findings.js';
import type { ChangeKind, ClusterDiff, DeploymentDiff, DiffResult, FleetChange, SettingChange, WorstStall } from './model.js';

export interface Side {
  /** What the side is: a revision, a directory, or the working tree. */
  label: string;
  analysis: Analysis;
  /** The side's configured rule severities (succession.config.yaml), applied to its findings. */
  configure?: (findings: readonly Finding[]) => Finding[];
}

/** The first cluster of each name, by file path (a second of the same name is duplicate-cluster-name's finding). */
function byName(a: Analysis): Map<string, ClusterPolicy> {
  const out = new Map<string, ClusterPolicy>();
  for (const c of a.repo.clusters) if (!out.has(c.name)) out.set(c.name, c);
  return out;
}

/**
 * Clusters whose behaviour may differ: added, removed, or with other resolved settings or fleet
 * inputs (their deployment, the cmon and MHA settings). Only these are compiled and simulated.
 * Returns each as the head has it (the base's for a removed cluster).
 */
export function affectedClusters(base: Analysis, head: Analysis): ClusterPolicy[] {
  const b = byName(base);
  const h = byName(head);
  const out: ClusterPolicy[] = [];
  for (const name of [...new Set([...b.keys(), ...h.keys()])].sort(byCode)) {
    const was = b.get(name);
    const is = h.get(name);
    // why: one parsed file read against one fleet file resolves alike; most clusters of a large repository are that.
    if (was && is && was.file === is.file && base.repo.fleet?.file === head.repo.fleet?.file) continue;
    if (!was || !is || fingerprint(was, base.repo.fleet) !== fingerprint(is, head.repo.fleet)) out.push((is ?? was)!);
  }
  return out;
}

function policyChanges(before: ClusterPolicy, after: ClusterPolicy): SettingChange[] {
  const facts = (c: ClusterPolicy) => new Map(clusterFacts(c).map((f) => [f.setting, f]));
  const b = facts(before);
  const a = facts(after);
  return changes(new Map([...b].map(([k, f]) => [k, f.value])), new Map([...a].map(([k, f]) => [k, f.value]))).map((c) => {
    const [cluster, fact] = a.has(c.setting) ? [after, a.get(c.setting)!] : [before, b.get(c.setting)!];
    return { ...c, from: cluster.origin(fact.path).file === cluster.file ? 'cluster' : 'fleet' };
  });
}

function kindsOf(d: Omit<ClusterDiff, 'kinds'>): ChangeKind[] {
  const kinds: ChangeKind[] = [];
  const f = d.failures;
  if (f?.changes.some((c) => c.before?.successor !== c.after?.successor)) kinds.push('successor');
  if (d.candidates.length > 0) kinds.push('candidates');
  const worst = (w: WorstStall | undefined) => (w === undefined ? 'none' : String(w.stallSeconds));
  if (f && (f.changes.some((c) => c.before?.stallSeconds !== c.after?.stallSeconds) || worst(f.worst.before) !== worst(f.worst.after))) kinds.push('stall');
  return kinds;
}

/** Fleet-file settings that change, each with the changed clusters it reaches (its blast radius). */
function fleetChanges(before: FleetPolicy | undefined, after: FleetPolicy | undefined, clusters: readonly ClusterDiff[], policies: Map<string, ClusterPolicy[]>): FleetChange[] {
  const flat = (f: FleetPolicy | undefined) => {
    const m = flatten(f?.file.data ?? {}, '');
    m.delete('kind');
    return m;
  };
  const uses = (name: string, test: (c: ClusterPolicy) => boolean) => (policies.get(name) ?? []).some(test);
  return changes(flat(before), flat(after)).map((c) => {
    const [top, second, third] = c.setting.split('.');
    const rest = c.setting.slice('defaults.'.length);
    const reached = clusters.filter((d) => {
      if (top === 'defaults') return d.policy.some((p) => p.from === 'fleet' && (p.setting === rest || p.setting.startsWith(`${rest}.`)));
      if (top === 'orchestrator' && second === 'deployments') return uses(d.name, (p) => p.orchestrator?.deployment === third);
      if (top === 'cmon') return uses(d.name, (p) => p.cmon !== undefined);
      if (top === 'mha') return uses(d.name, (p) => p.mha?.enabled === true);
      return true;
    });
    return { ...c, clusters: reached.map((d) => d.name) };
  });
}

/**
 * What changes between two analysed policy repositories: per cluster whose behaviour or findings
 * change, its resolved settings, candidates, simulated single-host failures (against the cluster's
 * topology, when given), generated settings per engine and findings; the fleet settings that
 * change and the clusters they reach; the orchestrator deployments whose node configs change.
 * `unchangedFiles`: how many policy files are the same on both sides (analyzeChange counts them).
 * Pure: the caller reads the revisions and the topology.
 */
export function diffRepositories(base: Side, head: Side, unchangedFiles: number, topologies?: ReadonlyMap<string, Topology>): DiffResult {
  const b = byName(base.analysis);
  const h = byName(head.analysis);
  const fleets = { before: base.analysis.repo.fleet, after: head.analysis.repo.fleet };
  const affected = new Set(affectedClusters(base.analysis, head.analysis).map((c) => c.name));
  // why: a file edited without changing the policy (a suppression comment) can still change its findings.
  const linted = new Set(affected);
  for (const [name, c] of h) if (b.has(name) && b.get(name)!.file.text !== c.file.text) linted.add(name);
  const configured = (side: Side) => (side.configure ?? ((f: readonly Finding[]) => [...f]))(findingsOf(side.analysis, linted));
  const findings = { before: configured(base), after: configured(head) };
  // why: a finding in a cluster's file is about that cluster, even when another file of the same name comes first.
  const fileOwner = (a: Analysis) => new Map(a.repo.clusters.map((c) => [c.file.path, c.name]));
  const owners = { before: fileOwner(base.analysis), after: fileOwner(head.analysis) };
  const attributed = (fs: Finding[], owner: Map<string, string>, name: string) => fs.filter((f) => clustersOf(f, owner).includes(name));

  // why: a deployment's node configs depend on its fleet settings and its clusters; only those with a changed input are compiled.
  const settings = (f: FleetPolicy | undefined, name: string) => JSON.stringify(f?.deployments.get(name) ?? null);
  const touched = new Set([...affected].flatMap((n) => [b.get(n), h.get(n)].flatMap((c) => (c?.orchestrator ? [c.orchestrator.deployment] : []))));
  const deploymentNames = new Set([...(fleets.before?.deployments.keys() ?? []), ...(fleets.after?.deployments.keys() ?? [])]);
  const deployments: DeploymentDiff[] = [];
  for (const name of [...deploymentNames].sort(byCode)) {
    if (!touched.has(name) && settings(fleets.before, name) === settings(fleets.after, name) && fleets.before?.defaultPort === fleets.after?.defaultPort) continue;
    const d = deploymentDiff(name, { fleet: fleets.before, clusters: base.analysis.repo.clusters }, { fleet: fleets.after, clusters: head.analysis.repo.clusters });
    if (d) deployments.push(d);
  }

  const clusters: ClusterDiff[] = [];
  const notes = topologies ? [] : ['no topology: single-host failures are not simulated (keep a topology.json next to the policies, or give --topology)'];
  const texts = (a: Analysis) => new Map(a.sources.map((f) => [f.path, f.text]));
  const sides = [
    [base, texts(head.analysis)],
    [head, texts(base.analysis)],
  ] as const;
  for (const [side, other] of sides) {
    const changed = (file: string) => side.analysis.sources.some((f) => f.path === file && other.get(file) !== f.text);
    // why: a file that does not parse on either side, unchanged, defines nothing on either; lint reports it.
    const broken = [...new Set(side.analysis.readFindings.map((f) => f.file))].filter(changed).sort(byCode);
    // why: a file that does not parse defines nothing; what it defined on the other side then reads as added or removed.
    if (broken.length > 0) notes.push(`${side.label}: ${broken.join(', ')} did not parse or validate (see the findings); the clusters they define are not compared`);
  }
  for (const name of [...linted].sort(byCode)) {
    const before = b.get(name);
    const after = h.get(name);
    const status = !before ? 'added' : !after ? 'removed' : 'changed';
    const clusterNotes: string[] = [];
    const topology = topologies?.get(name);
    if (topologies && !topology && affected.has(name)) clusterNotes.push('no topology for this cluster: its failures are not simulated');
    let failures: ClusterDiff['failures'];
    if (topology && affected.has(name)) {
      const f = failureChanges(before, after, fleets, topology);
      clusterNotes.push(...f.notes);
      failures = { changes: f.changes, worst: f.worst };
    }
    const diff: Omit<ClusterDiff, 'kinds'> = {
      name,
      status,
      file: { ...(before ? { before: before.file.path } : {}), ...(after ? { after: after.file.path } : {}) },
      policy: before && after ? policyChanges(before, after) : [],
      candidates: candidateChanges(before, after),
      ...(failures ? { failures } : {}),
      config: configChanges(before, after, fleets),
      deployments: deployments.filter((d) => d.clusters.includes(name)).map((d) => d.name),
      findings: findingChanges(attributed(findings.before, owners.before, name), attributed(findings.after, owners.after, name)),
      notes: clusterNotes,
    };
    const kinds = kindsOf(diff);
    const quiet = status === 'changed' && !affected.has(name) && diff.findings.added.length === 0 && diff.findings.resolved.length === 0;
    if (!quiet) clusters.push({ ...diff, kinds });
  }
  const policies = new Map<string, ClusterPolicy[]>();
  for (const m of [b, h]) for (const [name, c] of m) policies.set(name, [...(policies.get(name) ?? []), c]);
  const unowned = (fs: Finding[], owner: Map<string, string>) => fs.filter((f) => clustersOf(f, owner).length === 0);
  return {
    base: base.label,
    head: head.label,
    clusters,
    fleet: fleetChanges(fleets.before, fleets.after, clusters, policies),
    deployments,
    findings: findingChanges(unowned(findings.before, owners.before), unowned(findings.after, owners.after)),
    notes,
    unchanged: unchangedFiles,
  };
}
