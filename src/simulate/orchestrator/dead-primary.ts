import { errantGtids } from '../../live/gtid.js';
import { PROMOTION_ORDER } from '../../policy/candidates.js';
import type { Instance, RecoveryCapabilities } from '../../topology/model.js';
import { afterList, liveProblems, notDirectReplicas, policyExclusions, survivorsAsNow, versionSeries, type FailureContext } from '../context.js';
import type { EnginePrediction, Excluded, Exclusion, HostAfter, TimelineEvent } from '../model.js';
import { compareProgress } from '../progress.js';
import { semiSyncOutcome } from '../semisync.js';
import { capabilitiesOf, promote, startReplication } from './actions.js';
import { readingsOf, type Reading } from './reads.js';
import { lockedPrimaryRepair } from './repair.js';
import { orchestratorTiming } from './timing.js';

/** orchestrator's ReasonableMaintenanceReplicationLagSeconds default: the most SQL_Delay a source may have (CanReplicateFrom). */
const REASONABLE_MAINTENANCE_LAG_SECONDS = 20;

const BINLOG_FORMAT_ORDER: Record<string, number> = { STATEMENT: 0, MIXED: 1, ROW: 2 };
const format = (i: Instance) => BINLOG_FORMAT_ORDER[i.binlogFormat ?? ''] ?? 0;

function mostCommon<T>(values: T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | undefined;
  let n = 0;
  for (const [v, c] of counts) if (c > n) [best, n] = [v, c];
  return best;
}

/** orchestrator's backend lists instances by hostname, then port (a number). */
function byHostPort(a: Instance, b: Instance): number {
  return a.host < b.host ? -1 : a.host > b.host ? 1 : a.port - b.port;
}

/** Instance.CanReplicateFrom: whether `replica` may replicate from `source`. */
function canReplicateFrom(replica: Instance, source: Instance): boolean {
  if (source.logBin === false || (source.source !== undefined && source.logReplicaUpdates === false)) return false;
  if ((versionSeries(replica) ?? 0) < (versionSeries(source) ?? 0)) return false;
  if (replica.logBin !== false && replica.logReplicaUpdates !== false && format(replica) < format(source)) return false;
  if (replica.serverId !== undefined && replica.serverId === source.serverId) return false;
  const delay = (i: Instance) => i.replication?.sqlDelay ?? 0;
  return !(delay(replica) < delay(source) && delay(source) > REASONABLE_MAINTENANCE_LAG_SECONDS);
}

/**
 * orchestrator 3.2.6 recovering a dead primary (DeadMaster, recoverDeadMaster with GTID):
 *
 * 1. stop replication on the dead primary's readable direct replicas and sort them, most
 *    advanced first, ties broken by log_slave_updates, lower major version, smaller binlog
 *    format, the dead primary's data center, no errant GTID, better promotion rule;
 * 2. take the first that is valid and not banned (must_not or a promotion filter); move the
 *    replicas that are equal or behind under it, and lose (detach) those ahead of it or unable to
 *    replicate from it; with none valid, promote the first one not banned and move nobody;
 * 3. unless that choice is ideal (a `prefer` replica in the dead primary's data center), look
 *    for a `prefer` (then `neutral`) replacement among its direct replicas and let it take over;
 * 4. veto the promotion when the data-center fence is broken;
 * 5. RESET SLAVE ALL and read_only=0 on the promoted server.
 */
export function orchestratorFailover(ctx: FailureContext): EnginePrediction {
  const { cluster, failed } = ctx;
  const read = readingsOf(ctx);
  const may = capabilitiesOf(ctx);
  const timing = orchestratorTiming(ctx);
  const legacy = cluster.semiSync.enforcement === 'off';
  const notes: string[] = [];
  const failedDc = read(failed.key).dc;
  const replicas = ctx.siblings.filter((i) => i.reachable);
  const commonMajor = mostCommon(replicas.map(versionSeries).filter((v): v is number => v !== undefined));
  const commonFormat = mostCommon(replicas.map((i) => i.binlogFormat).filter((v): v is string => v !== undefined));
  const errant = (i: Instance) => Boolean(errantGtids(i, failed));
  const rule = (i: Instance) => PROMOTION_ORDER[read(i.key).rule];

  const sorted = [...replicas].sort(byHostPort).sort(
    (a, b) =>
      compareProgress(a, b, failed) ||
      Number(b.logReplicaUpdates !== false) - Number(a.logReplicaUpdates !== false) ||
      (versionSeries(a) ?? 0) - (versionSeries(b) ?? 0) ||
      format(a) - format(b) ||
      Number(read(b.key).dc === failedDc) - Number(read(a.key).dc === failedDc) ||
      Number(errant(a)) - Number(errant(b)) ||
      rule(a) - rule(b),
  );

  const hardReasons = (i: Instance): Exclusion[] => {
    const reasons: Exclusion[] = [];
    if (read(i.key).banned) reasons.push(...bannedBy(ctx, i.key, read(i.key)));
    if (i.logBin === false || i.logReplicaUpdates === false) reasons.push('binlog');
    if (commonMajor !== undefined && (versionSeries(i) ?? 0) > commonMajor) reasons.push('version');
    if (commonFormat && i.binlogFormat && format(i) > (BINLOG_FORMAT_ORDER[commonFormat] ?? 0)) reasons.push('binlog-format');
    return reasons;
  };
  function tie(a: Instance, b: Instance): boolean {
    return (
      compareProgress(a, b, failed) === 0 &&
      a.logReplicaUpdates === b.logReplicaUpdates &&
      versionSeries(a) === versionSeries(b) &&
      format(a) === format(b) &&
      (read(a.key).dc === failedDc) === (read(b.key).dc === failedDc) &&
      errant(a) === errant(b) &&
      rule(a) === rule(b)
    );
  }

  const after = survivorsAsNow(ctx);
  const state = (i: Instance) => after.get(i.key)!;
  // GetCandidateReplica (forRematchPurposes) stops replication on every one of them first.
  for (const i of sorted) state(i).replicating = false;
  const valid = sorted.filter((i) => hardReasons(i).length === 0);
  let promoted: Instance | undefined = valid[0];
  const tied = valid.filter((i) => promoted !== undefined && tie(promoted, i));
  if (tied.length > 1) notes.push(`${tied.map((i) => i.key).join(' and ')} tie on every criterion orchestrator sorts by; it takes whichever of them answers first when it stops their replication`);
  const regrouped = promoted !== undefined;
  if (!promoted) {
    promoted = sorted.find((i) => !read(i.key).banned);
    if (promoted) notes.push(`no replica passed orchestrator's checks; as orchestrator does, it promotes the first replica that is not banned (${promoted.key}) and moves none of the others, whose replication stays stopped`);
  }

  if (promoted && regrouped) {
    const candidate = promoted;
    const moved: Instance[] = [];
    for (const i of sorted) {
      if (i === candidate) continue;
      const s = state(i);
      if (!canReplicateFrom(i, candidate) || compareProgress(i, candidate, failed) < 0) {
        // why: DetachLostReplicasAfterMasterFailover repoints a lost replica to "//host" (DetachReplicaMasterHost) and starts it; it cannot connect.
        if (may(i.key).replication) s.source = `//${failed.key}`;
        startReplication(s, read(i.key), legacy, may(i.key));
        s.replicating = false;
        notes.push(`${i.key} is lost: it is ${canReplicateFrom(i, candidate) ? 'ahead of' : 'unable to replicate from'} ${candidate.key}; orchestrator detaches it`);
      } else if (may(i.key).replication) {
        s.source = candidate.key;
        startReplication(s, read(i.key), legacy, may(i.key));
        moved.push(i);
      } else {
        // why: the move stops at its first statement; orchestrator still starts replication, with the same effect on semi-sync.
        startReplication(s, read(i.key), legacy, may(i.key));
        s.replicating = false;
      }
    }
    if (!legacy && moved.length > 0) {
      // why: observed (docs/engines.md): StartReplication reads the new primary for its semi-sync decision, and moveInstanceBelowViaGTID ignores its error.
      notes.push(
        `with semi-sync enforcement on, a replica moved under ${candidate.key} can be left there with its replication stopped, yet recorded as moved: orchestrator reads ${candidate.key} before starting each one, and a read that meets the promotion's RESET SLAVE ALL fails (a race inside orchestrator, seen on MariaDB in a few percent of recoveries)`,
      );
    }
    promoted = handOver(ctx, candidate, moved, read, may, after, legacy, notes) ?? candidate;
  }

  const excluded: Excluded[] = [];
  if (promoted && cluster.datacenters.preventCrossDatacenter && read(promoted.key).dc !== failedDc) {
    notes.push(`PreventCrossDataCenterMasterFailover vetoes ${promoted.key} (in ${read(promoted.key).dc || 'no DC'}, failed primary in ${failedDc || 'no DC'}): the recovery fails after the replicas were already regrouped`);
    excluded.push({ key: promoted.key, reasons: ['dc-fence'] });
    promoted = undefined;
  }
  if (promoted) {
    promote(state(promoted), read(promoted.key), may(promoted.key));
    const p = state(promoted);
    if (p.readOnly || p.source !== undefined) {
      const missing = ctx.byKey.get(promoted.key)?.orchestratorUser?.missing ?? [];
      notes.push(
        `orchestrator records ${promoted.key} as promoted, but its user may not ${p.readOnly ? 'make it writable' : 'reset its replication'}${missing.length ? ` (it lacks ${missing.join(', ')})` : ''}: the servers are left half-changed and writes wait until someone intervenes`,
      );
    }
    const ahead = sorted.find((i) => compareProgress(i, promoted!, failed) < 0);
    if (ahead) notes.push(`${promoted.key} is behind ${ahead.key}: what only the replicas ahead of it applied is lost, and RESET SLAVE ALL discards what it received but had not applied`);
  }

  for (const i of ctx.siblings) {
    if (i === promoted || excluded.some((e) => e.key === i.key)) continue;
    const reasons = [...(i.reachable ? hardReasons(i) : ['unreachable' as const]), ...policyExclusions(ctx, i.key), ...liveProblems(i).filter((r) => r === 'delay' || r === 'broken-replication')];
    if (errant(i)) reasons.push('errant-gtid');
    if (reasons.length) excluded.push({ key: i.key, reasons: [...new Set(reasons)] });
  }
  excluded.push(...notDirectReplicas(ctx));
  if (cluster.candidates.maxLagSeconds !== undefined) notes.push('candidates.maxLagSeconds is not an orchestrator setting; lag only affects the ranking');
  for (const i of replicas) {
    if (i.metaError !== undefined) notes.push(`${i.key} cannot read the meta table (${i.metaError}): orchestrator keeps what it read before (a server it has just met: neutral, semi-sync priority 0, no data center)`);
  }

  const detectionHooks = timing.hookSeconds('onFailureDetection');
  const preHooks = timing.hookSeconds('preFailover');
  const promotedAt = timing.detectedAt + detectionHooks + preHooks + 1;
  const promotedBy = timing.detectedBy + detectionHooks + preHooks + timing.recoveryWork;
  const timeline: TimelineEvent[] = [
    { at: 0, kind: 'failure', event: `${failed.key} fails` },
    { at: timing.detectedAt, latest: timing.detectedBy, kind: 'detection', event: `orchestrator detects DeadMaster (InstancePollSeconds ${timing.poll})` },
  ];
  if (cluster.hooks.onFailureDetection.length) timeline.push({ at: timing.detectedAt, kind: 'hook', event: `OnFailureDetectionProcesses run in line${detectionHooks ? ` (${detectionHooks}s)` : ''}` });
  if (cluster.hooks.preFailover.length) timeline.push({ at: timing.detectedAt + detectionHooks, kind: 'hook', event: `PreFailoverProcesses run in line${preHooks ? ` (${preHooks}s)` : ''}; a non-zero exit aborts the recovery` });
  // why: the hooks run in line before the promotion, so nothing ends sooner than they do.
  const hooks = detectionHooks + preHooks;
  if (promoted) {
    timeline.push({ at: promotedAt, earliest: hooks, latest: promotedBy, kind: 'recovery', event: `orchestrator promotes ${promoted.key}; anti-flapping block for ${cluster.antiFlapping.recoveryBlockSeconds}s` });
  } else {
    timeline.push({ at: promotedAt, earliest: hooks, latest: promotedBy, kind: 'recovery', event: 'the recovery fails: no replica can be promoted; PostUnsuccessfulFailoverProcesses run' });
  }
  if (ctx.deployment && ctx.deployment.raftNodes.length > 1) {
    const retry = promotedAt + cluster.antiFlapping.recoveryBlockSeconds;
    timeline.push({
      at: retry,
      earliest: cluster.antiFlapping.recoveryBlockSeconds + hooks,
      latest: promotedBy + cluster.antiFlapping.recoveryBlockSeconds + timing.detectedBy,
      kind: 'retry',
      event: `only if the raft leader dies during the recovery: the new leader does not resume it, waits out RecoveryPeriodBlockSeconds (${cluster.antiFlapping.recoveryBlockSeconds}s), then detects and recovers again, hooks included`,
    });
  }
  const outcome = semiSyncOutcome(ctx, promoted?.key, after, promotedAt, promoted ? lockedPrimaryRepair(ctx, promoted.key, after, read, promotedAt, timing.poll, promotedAt) : undefined, promotedBy);
  return {
    engine: 'orchestrator',
    promoted: promoted?.key,
    ranking: sorted.map((i) => i.key),
    excluded: [...excluded].sort((a, b) => (a.key < b.key ? -1 : 1)),
    notes,
    semiSync: outcome.semiSync,
    after: afterList(after),
    timeline: [...timeline, ...outcome.timeline].sort((a, b) => a.at - b.at),
    writeStallSeconds: outcome.stall,
  };
}

/** Why orchestrator bans a server: the policy's reasons when it bars it, else the rule it reads. */
function bannedBy(ctx: FailureContext, key: string, r: Reading): Exclusion[] {
  if (r.filtered) return policyExclusions(ctx, key).filter((x) => x !== 'dc-fence' || ctx.cluster.datacenters.home !== undefined);
  return ['must_not'];
}

/**
 * SuggestReplacementForPromotedReplica and the TakeMaster swap: among the promoted server's direct
 * replicas that could take it over, a `prefer` one in the dead primary's data center; else keep a
 * `prefer` promoted server that satisfies the fence; else a `prefer` one in the promoted server's
 * data center; else any `prefer` one that satisfies the fence. If the promoted server breaks the
 * fence or is `prefer_not`, `neutral` ones are searched the same way. In each search the last
 * match in orchestrator's listing order (host, port) wins.
 */
function handOver(
  ctx: FailureContext,
  promoted: Instance,
  moved: Instance[],
  read: (key: string) => Reading,
  may: (key: string) => RecoveryCapabilities,
  after: Map<string, HostAfter>,
  legacy: boolean,
  notes: string[],
): Instance | undefined {
  const { cluster, failed } = ctx;
  const failedDc = read(failed.key).dc;
  const dc = (i: Instance) => read(i.key).dc;
  const fenceOk = (i: Instance) => !cluster.datacenters.preventCrossDatacenter || dc(i) === failedDc;
  const pr = read(promoted.key);
  // why: promotedReplicaIsIdeal ends the search: a prefer replica, or one no moved replica beats on promotion rule, in the dead primary's DC.
  const hasBest = moved.every((i) => PROMOTION_ORDER[read(i.key).rule] >= PROMOTION_ORDER[pr.rule]);
  if (dc(promoted) === failedDc && (pr.rule === 'prefer' || (hasBest && pr.rule !== 'must_not'))) return undefined;

  const last = (list: Instance[], ok: (i: Instance) => boolean) => [...list].reverse().find(ok);
  const under = ctx.component.filter((i) => i.key !== promoted.key && i.reachable && after.get(i.key)?.source === promoted.key).sort(byHostPort);
  // why: TakeMaster stops and repoints both servers; without the privilege it fails and orchestrator keeps what it promoted.
  const canTakeOver = (i: Instance) => !read(i.key).banned && i.logBin !== false && i.logReplicaUpdates !== false && canReplicateFrom(promoted, i) && may(i.key).replication && may(promoted.key).replication;
  const prefer = under.filter((i) => read(i.key).rule === 'prefer' && canTakeOver(i));
  let replacement = last(prefer, (i) => dc(i) === failedDc);
  if (!replacement && pr.rule === 'prefer' && fenceOk(promoted)) return undefined;
  replacement ??= last(prefer, (i) => dc(i) === dc(promoted)) ?? last(prefer, fenceOk);
  if (!replacement && (!fenceOk(promoted) || pr.rule === 'prefer_not')) {
    const neutral = ctx.component.filter((i) => i.reachable && read(i.key).rule === 'neutral' && after.get(i.key)?.source === promoted.key && canTakeOver(i)).sort(byHostPort);
    replacement = last(neutral, (i) => dc(i) === failedDc) ?? last(neutral, (i) => dc(i) === dc(promoted)) ?? last(neutral, fenceOk);
  }
  if (!replacement) return undefined;
  notes.push(`orchestrator first promotes ${promoted.key} (the most advanced valid replica), then hands over to ${replacement.key} (${read(replacement.key).rule}, in ${dc(replacement) || 'no DC'}), which replicates from it`);
  // TakeMaster: the replacement takes its source's place; the promoted server and, afterwards, its other replicas move under it.
  const r = after.get(replacement.key)!;
  r.source = failed.key;
  startReplication(r, read(replacement.key), legacy, may(replacement.key));
  r.replicating = false;
  for (const h of after.values()) {
    if (h.key === promoted.key || (h.source === promoted.key && h.key !== replacement.key && may(h.key).replication)) {
      h.source = replacement.key;
      startReplication(h, read(h.key), legacy, may(h.key));
    }
  }
  return replacement;
}
