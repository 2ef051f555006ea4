import type { ClusterPolicy, HostPolicy, OrchestratorDeployment } from '../policy/model.js';
import type { Instance, Topology } from '../topology/model.js';
import type { Engine, EnginePrediction, Excluded, Exclusion, HostAfter, TimelineEvent } from './model.js';
import type { StallModel } from './semisync.js';
import { compareProgress } from './progress.js';

/** Everything an engine model needs about one failure. */
export interface FailureContext {
  cluster: ClusterPolicy;
  topology: Topology;
  byKey: Map<string, Instance>;
  policy: Map<string, HostPolicy>;
  failed: Instance;
  /** Direct replicas of the failed host, sorted by key. */
  siblings: Instance[];
  /** The servers of the cluster's replication tree, the failed one included, sorted by key. */
  component: Instance[];
  /** The orchestrator deployment that manages the cluster, when the fleet declares it. */
  deployment?: OrchestratorDeployment;
}

export function failureContext(cluster: ClusterPolicy, topology: Topology, failed: Instance, component: Instance[], deployment?: OrchestratorDeployment): FailureContext {
  const byKey = new Map(topology.instances.map((i) => [i.key, i]));
  return {
    cluster,
    topology,
    byKey,
    policy: new Map(cluster.hosts.map((h) => [h.key, h])),
    failed,
    // why: a server pointed at itself (a ring of one) is not a replica of itself that could take over.
    siblings: topology.instances.filter((i) => i.source === failed.key && i.key !== failed.key),
    component,
    ...(deployment ? { deployment } : {}),
  };
}

/** Whether both replication threads of `i` run. */
export function replicating(i: Instance): boolean {
  return i.replication?.ioThread === 'yes' && i.replication.sqlThread === 'yes';
}

/** The surviving reachable servers as they are now, before the engine acts, by key. */
export function survivorsAsNow(ctx: FailureContext): Map<string, HostAfter> {
  const out = new Map<string, HostAfter>();
  for (const i of ctx.component) {
    if (i.key === ctx.failed.key || !i.reachable) continue;
    out.set(i.key, {
      key: i.key,
      ...(i.source !== undefined ? { source: i.source } : {}),
      replicating: replicating(i),
      readOnly: i.readOnly ?? i.source !== undefined,
      semiSyncSource: i.semiSync?.sourceEnabled ?? false,
      semiSyncReplica: i.semiSync?.replicaEnabled ?? false,
    });
  }
  return out;
}

/**
 * The state after an engine that promotes `promoted` (made writable, its replication reset) and
 * moves the failed host's other reachable direct replicas under it (replication restarted);
 * semi-sync flags stay as they were. Without a promotion nothing changes.
 */
export function afterPromotion(ctx: FailureContext, promoted: Instance | undefined): Map<string, HostAfter> {
  const after = survivorsAsNow(ctx);
  if (!promoted) return after;
  for (const h of after.values()) {
    if (h.key === promoted.key) {
      delete h.source;
      h.replicating = false;
      h.readOnly = false;
    } else if (h.source === ctx.failed.key) {
      h.source = promoted.key;
      h.replicating = true;
    }
  }
  return after;
}

/** The after-state as a list sorted by key. */
export function afterList(after: Map<string, HostAfter>): HostAfter[] {
  return [...after.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Data center of an instance: detected live, else declared in the policy. */
function dcOf(ctx: FailureContext, key: string): string | undefined {
  return ctx.byKey.get(key)?.dataCenter ?? ctx.policy.get(key)?.dc;
}

/**
 * What the policy itself says against promoting `key` after `failed` failed: list membership,
 * role, promotion level, and the DC fence. These become must_not / no_master / whitelist
 * exclusions in every generated engine config.
 */
export function policyExclusions(ctx: FailureContext, key: string): Exclusion[] {
  const { cluster } = ctx;
  const out: Exclusion[] = [];
  const host = ctx.policy.get(key);
  const whitelist = cluster.candidates.whitelist;
  if (whitelist && !whitelist.some((r) => r.key === key)) out.push('whitelist');
  if (cluster.candidates.blacklist.some((r) => r.key === key)) out.push('blacklist');
  if (host?.role) out.push('role');
  if (host?.promotion === 'must_not') out.push('must_not');
  if (!host) out.push('undeclared');
  if (cluster.datacenters.preventCrossDatacenter) {
    const home = cluster.datacenters.home ?? dcOf(ctx, ctx.failed.key);
    if (home !== undefined && dcOf(ctx, key) !== home) out.push('dc-fence');
  }
  return out;
}

/**
 * What orchestrator (`MajorVersion`) and MHA (`parse_mysql_major_version`) call the major version:
 * the first two components (5.7, 8.0, 8.4, 10.11), as one comparable number.
 */
export function versionSeries(i: Instance): number | undefined {
  return i.version ? i.version.major * 1000 + i.version.minor : undefined;
}

/** Live reasons a replica is unfit, whichever engine looks at it. */
export function liveProblems(i: Instance): Exclusion[] {
  const out: Exclusion[] = [];
  if (!i.reachable) return ['unreachable'];
  if (i.logBin === false || i.logReplicaUpdates === false) out.push('binlog');
  const r = i.replication;
  if (r) {
    if (r.sqlDelay > 0) out.push('delay');
    // why: orchestrator's API reports the SQL error text only; an absent number is not an error.
    if (r.sqlThread !== 'yes' || (r.lastSqlErrno ?? 0) !== 0 || (r.lastSqlErrno === undefined && r.lastSqlError !== '')) out.push('broken-replication');
  }
  return out;
}

/** Policy hosts that are live but do not replicate directly from the failed host. */
export function notDirectReplicas(ctx: FailureContext): Excluded[] {
  const siblings = new Set(ctx.siblings.map((s) => s.key));
  return ctx.cluster.hosts
    .filter((h) => h.key !== ctx.failed.key && !siblings.has(h.key) && ctx.byKey.has(h.key))
    .map((h) => ({ key: h.key, reasons: ['not-direct-replica'] }));
}

/**
 * Splits the failed host's direct replicas into the excluded (with their reasons, plus the policy
 * hosts that are not direct replicas) and the eligible, most advanced first.
 */
export function triage(ctx: FailureContext, reasonsOf: (i: Instance) => Exclusion[]): { eligible: Instance[]; excluded: Excluded[] } {
  const eligible: Instance[] = [];
  const excluded: Excluded[] = [];
  for (const i of ctx.siblings) {
    const reasons = reasonsOf(i);
    if (reasons.length) excluded.push({ key: i.key, reasons });
    else eligible.push(i);
  }
  excluded.push(...notDirectReplicas(ctx));
  eligible.sort((a, b) => compareProgress(a, b, ctx.failed) || (a.key < b.key ? -1 : 1));
  return { eligible, excluded };
}

/** Assembles an engine's prediction: exclusions sorted by host, the timeline in time order. */
export function prediction(
  engine: Engine,
  parts: { promoted?: Instance; stopped?: string; ranking: Instance[]; excluded: Excluded[]; notes: string[]; timeline: TimelineEvent[]; outcome: StallModel; after: Map<string, HostAfter> },
): EnginePrediction {
  return {
    engine,
    promoted: parts.promoted?.key,
    ...(parts.stopped !== undefined ? { stopped: parts.stopped } : {}),
    ranking: parts.ranking.map((i) => i.key),
    excluded: [...parts.excluded].sort((a, b) => (a.key < b.key ? -1 : 1)),
    notes: parts.notes,
    semiSync: parts.outcome.semiSync,
    after: afterList(parts.after),
    timeline: [...parts.timeline, ...parts.outcome.timeline].sort((a, b) => a.at - b.at),
    writeStallSeconds: parts.outcome.stall,
  };
}
