import { byCode } from '../compile/artifact.js';
import { candidateReasons } from '../diff/candidates.js';
import { clustersOf } from '../diff/findings.js';
import type { DiffResult, Outcome as DiffOutcome } from '../diff/model.js';
import { compareFindings, type Finding } from '../findings.js';
import type { Analysis } from '../lint.js';
import { viewOf } from '../live/view.js';
import type { ClusterPolicy, FleetPolicy } from '../policy/model.js';
import { RULES_BY_ID } from '../rules/index.js';
import { docsUrl } from '../rules/rule.js';
import { enginesOf, simulateEachSingleFailure } from '../simulate/index.js';
import type { EnginePrediction } from '../simulate/model.js';
import { forest, ringEdges } from '../simulate/render-tree.js';
import type { Topology } from '../topology/model.js';
import type { ClusterChange, ClusterReport, N1Row, Outcome, ReportHost, ReportModel, RuleRef } from './model.js';
import { splitTopology } from './topology.js';

export interface ReportInput {
  title: string;
  analysis: Analysis;
  /** Every finding of the repository (lint's, with the configuration's severities applied). */
  findings: readonly Finding[];
  /** The clusters to report, by name (default: all). */
  clusters?: readonly string[];
  /** Each cluster's topology (a snapshot or mysql:// source gives all the same one), and where they came from. */
  topology?: { byCluster: ReadonlyMap<string, Topology>; label: string };
  /** With --base: what src/diff says changes. */
  diff?: DiffResult;
}

function outcomeOf(p: EnginePrediction): Outcome {
  return {
    successor: p.promoted ?? p.replacement ?? null,
    ...(p.stopped !== undefined ? { stopped: p.stopped } : {}),
    stallSeconds: p.writeStallSeconds,
    ackers: [...p.semiSync.ackers].sort(),
  };
}

function fromDiff(o: DiffOutcome): Outcome {
  return { successor: o.successor, stallSeconds: o.stallSeconds, ackers: o.ackers };
}

/** The hosts as drawn: the cluster's replication trees when the topology has them, else the policy's. */
function hostsOf(cluster: ClusterPolicy, topology: Topology | undefined): { hosts: ReportHost[]; from: 'topology' | 'policy'; notes: string[] } {
  const reasons = candidateReasons(cluster);
  const policy = new Map(cluster.hosts.map((h) => [h.key, h]));
  const view = topology ? viewOf(cluster, topology) : undefined;
  const instances = new Map((view?.component ?? []).map((i) => [i.key, i]));
  const from = instances.size > 0 ? 'topology' : 'policy';
  const notes: string[] = [];
  const live = view?.livePrimary?.key;
  if (live !== undefined && live !== cluster.primary) notes.push(`the topology's primary is ${live}, the policy's ${cluster.primary}`);
  const keys = [...new Set([...instances.keys(), ...policy.keys()])];
  // why: a policy host the topology lacks is drawn where the policy puts it, so that it is not lost.
  const sourceOf = (k: string) => (instances.has(k) ? instances.get(k)!.source : policy.get(k)?.source);
  const writable = (k: string) => instances.get(k)?.readOnly === false;
  const roots = forest(keys, sourceOf, writable);
  const ring = ringEdges(roots, keys, sourceOf);
  const drawnSource = new Map<string, string>();
  const walk = (n: (typeof roots)[number]) => {
    for (const c of n.children) {
      drawnSource.set(c.key, n.key);
      walk(c);
    }
  };
  roots.forEach(walk);
  const hosts = keys.sort(byCode).map((key): ReportHost => {
    const p = policy.get(key);
    const i = instances.get(key);
    const why = reasons.get(key) ?? ['not declared in the policy'];
    const dc = p?.dc ?? i?.dataCenter;
    const cut = ring(key);
    return {
      key,
      ...(drawnSource.has(key) ? { source: drawnSource.get(key)! } : {}),
      ...(cut !== undefined ? { ring: cut } : {}),
      primary: key === cluster.primary,
      ...(dc !== undefined ? { dc } : {}),
      ...(p?.role !== undefined ? { role: p.role } : {}),
      ...(p ? { promotion: p.promotion, semiSyncPriority: p.semiSyncPriority } : {}),
      declared: p !== undefined,
      ...(topology ? { inTopology: i !== undefined } : {}),
      candidate: why.length === 0,
      reasons: why,
    };
  });
  return { hosts, from, notes };
}

/** Every single-host failure per engine, as simulate --each-single-failure predicts it. */
function n1Of(cluster: ClusterPolicy, topology: Topology, fleet: FleetPolicy | undefined, notes: string[]): Pick<ClusterReport, 'n1' | 'worst'> {
  try {
    const each = simulateEachSingleFailure(cluster, topology, enginesOf(cluster), fleet);
    const n1: N1Row[] = each.simulations.map((s) => ({ failed: s.failed, failedRole: s.failedRole, cells: s.engines.map((p) => ({ engine: p.engine, now: outcomeOf(p) })) }));
    return { n1, ...(each.worst ? { worst: { failed: each.worst.failed, engine: each.worst.engine, stallSeconds: each.worst.writeStallSeconds } } : {}) };
  } catch (e) {
    // why: one cluster the simulation cannot model must not hide the report of the others.
    notes.push(`cannot simulate: ${(e as Error).message}`);
    return {};
  }
}

function settingText(s: { setting: string; before?: string; after?: string; added?: string[]; removed?: string[] }): string {
  if (s.added || s.removed) return `${s.setting}: ${[...(s.added ?? []).map((v) => `+${v}`), ...(s.removed ?? []).map((v) => `−${v}`)].join(', ')}`;
  return `${s.setting}: ${s.before ?? '(not set)'} → ${s.after ?? '(not set)'}`;
}

/** Lays the diff of one cluster over its report: changed N-1 cells, candidates that moved, the change's summary. */
function overlay(report: ClusterReport, d: DiffResult['clusters'][number]): void {
  const byHost = new Map(d.candidates.map((c) => [c.host, c]));
  for (const h of report.hosts) {
    const c = byHost.get(h.key);
    if (c) h.candidateChange = { change: c.change, reasons: c.reasons };
    const prefix = `hosts.${h.key}.`;
    const own = d.policy
      .filter((s) => s.setting.startsWith(prefix))
      .map((s) => ({ field: s.setting.slice(prefix.length), ...(s.before !== undefined ? { before: s.before } : {}), ...(s.after !== undefined ? { after: s.after } : {}) }));
    if (own.length > 0) h.settingChanges = own;
  }
  const failures = new Map((d.failures?.changes ?? []).map((c) => [`${c.failed}\u0000${c.engine}`, c]));
  for (const row of report.n1 ?? []) {
    for (const cell of row.cells) {
      const c = failures.get(`${row.failed}\u0000${cell.engine}`);
      if (!c) continue;
      cell.changed = true;
      if (c.before) cell.before = fromDiff(c.before);
    }
  }
  const change: ClusterChange = { status: d.status, kinds: d.kinds, settings: d.policy.map(settingText), findings: d.findings };
  const w = d.failures?.worst;
  if (w && (w.before?.stallSeconds !== w.after?.stallSeconds || w.before?.failed !== w.after?.failed)) {
    if (w.before) change.worstBefore = { failed: w.before.failed, engine: w.before.engine, stallSeconds: w.before.stallSeconds };
  }
  report.change = change;
  report.notes.push(...d.notes);
}

function rulesOf(findings: readonly Finding[]): RuleRef[] {
  const ids = [...new Set(findings.map((f) => f.ruleId))].sort(byCode);
  return ids.map((id) => {
    const r = RULES_BY_ID.get(id);
    return { id, severity: r?.severity ?? 'error', description: r?.description ?? 'The file does not parse or does not match the schema.', url: docsUrl(id) };
  });
}

/**
 * The report of a policy repository: per cluster its hosts as a replication tree with role, DC,
 * promotion, candidate standing and semi-sync priority; every single-host failure per engine
 * (against the topology, when there is one); its findings; and with a diff, what the change
 * moves. Changed clusters come first, then the rest by name. Pure: the caller reads everything.
 */
export function buildReport(input: ReportInput): ReportModel {
  const { analysis } = input;
  const fleet = analysis.repo.fleet;
  const seen = new Set<string>();
  const wanted = input.clusters ? new Set(input.clusters) : undefined;
  const clusters = analysis.repo.clusters.filter((c) => !seen.has(c.name) && seen.add(c.name) && (!wanted || wanted.has(c.name)));
  const owner = new Map([...analysis.repo.clusters].reverse().map((c) => [c.file.path, c.name]));
  const perCluster = new Map<string, Finding[]>();
  const repoFindings: Finding[] = [];
  for (const f of input.findings) {
    const names = clustersOf(f, owner);
    if (names.length === 0) repoFindings.push(f);
    for (const n of names) {
      const list = perCluster.get(n);
      if (list) list.push(f);
      else perCluster.set(n, [f]);
    }
  }
  const splits = new Map<Topology, ReturnType<typeof splitTopology>>();
  const ownTopology = (cluster: ClusterPolicy): Topology | undefined => {
    const t = input.topology?.byCluster.get(cluster.name);
    if (!t) return undefined;
    if (!splits.has(t)) splits.set(t, splitTopology(t));
    return splits.get(t)!(cluster.hosts.map((h) => h.key));
  };
  const diffs = new Map((input.diff?.clusters ?? []).map((d) => [d.name, d]));
  const reports = clusters.map((cluster): ClusterReport => {
    const own = ownTopology(cluster);
    const { hosts, from, notes } = hostsOf(cluster, own);
    // why: an orchestrator source answers only for the clusters orchestrator manages.
    if (input.topology && !input.topology.byCluster.has(cluster.name)) notes.push('no topology for this cluster: its failures are not simulated');
    else if (input.topology && !own) notes.push('the topology holds none of its hosts: its failures are not simulated');
    const report: ClusterReport = {
      name: cluster.name,
      file: cluster.file.path,
      ...(cluster.description !== undefined ? { description: cluster.description } : {}),
      engines: enginesOf(cluster),
      hosts,
      treeFrom: from,
      ...(own ? n1Of(cluster, own, fleet, notes) : {}),
      findings: [...(perCluster.get(cluster.name) ?? [])].sort(compareFindings),
      notes,
    };
    const d = diffs.get(cluster.name);
    if (d) overlay(report, d);
    return report;
  });
  const rank = (c: ClusterReport) => (c.change ? 0 : 1);
  reports.sort((a, b) => rank(a) - rank(b) || byCode(a.name, b.name));
  const diff = input.diff;
  const cited = [...reports.flatMap((r) => [...r.findings, ...(r.change ? [...r.change.findings.added, ...r.change.findings.resolved] : [])]), ...repoFindings, ...(diff ? [...diff.findings.added, ...diff.findings.resolved] : [])];
  return {
    title: input.title,
    ...(input.topology ? { topology: input.topology.label } : {}),
    ...(diff
      ? {
          base: {
            label: diff.base,
            head: diff.head,
            notes: diff.notes,
            removed: diff.clusters.filter((c) => c.status === 'removed' && (!wanted || wanted.has(c.name))).map((c) => c.name),
          },
          repoFindingChanges: diff.findings,
        }
      : {}),
    clusters: reports,
    repoFindings: [...repoFindings].sort(compareFindings),
    rules: rulesOf(cited),
    notes: input.topology ? [] : ['no topology: the trees are drawn from the policies, and single-host failures are not simulated (keep a topology.json next to the policies, or give --topology)'],
  };
}
