import { PROMOTION_ORDER } from '../policy/candidates.js';
import type { PromotionLevel } from '../policy/model.js';
import type { Instance } from '../topology/model.js';
import { errantGtids } from '../live/gtid.js';
import { dcOf, liveProblems, notDirectReplicas, policyExclusions, prediction, versionSeries, type FailureContext } from './context.js';
import type { EnginePrediction, Excluded, Exclusion } from './model.js';
import { compareProgress } from './progress.js';
import { POLL_SECONDS, semiSyncOutcome } from './semisync.js';

/** orchestrator's ReasonableMaintenanceReplicationLagSeconds default: the most SQL_Delay a source may have (CanReplicateFrom). */
const REASONABLE_MAINTENANCE_LAG_SECONDS = 20;

const BINLOG_FORMAT_ORDER: Record<string, number> = { STATEMENT: 0, MIXED: 1, ROW: 2 };

/**
 * The exclusions the generated config turns into `must_not`: all of them, except a DC fence
 * without a declared home DC, which orchestrator applies only as its final veto
 * (PreventCrossDataCenterMasterFailover against the failed primary's DC).
 */
function bans(ctx: FailureContext, key: string): Exclusion[] {
  return policyExclusions(ctx, key).filter((r) => r !== 'dc-fence' || ctx.cluster.datacenters.home !== undefined);
}

/** The promotion rule orchestrator reads for a host from the generated meta table. */
function ruleOf(ctx: FailureContext, key: string): PromotionLevel {
  return bans(ctx, key).length > 0 ? 'must_not' : (ctx.policy.get(key)?.promotion ?? 'neutral');
}

function mostCommon<T>(values: T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | undefined;
  let n = 0;
  for (const [v, c] of counts) if (c > n) [best, n] = [v, c];
  return best;
}

/**
 * orchestrator 3.2.6 recovering a dead primary (DeadMaster): sort the failed primary's direct
 * replicas by how far they got, ties broken as orchestrator does; take the first that is valid
 * and not banned; then the two-step replacement by a `prefer` (or, failing that, `neutral`)
 * replica in the failed primary's data center; then the cross-DC veto.
 */
export function orchestratorFailover(ctx: FailureContext): EnginePrediction {
  const { cluster, failed } = ctx;
  const notes: string[] = [];
  const excluded: Excluded[] = [];
  const failedDc = dcOf(ctx, failed.key);
  const reachable = ctx.siblings.filter((i) => i.reachable);
  const majors = reachable.map(versionSeries).filter((v): v is number => v !== undefined);
  const commonMajor = mostCommon(majors);
  const commonFormat = mostCommon(reachable.map((i) => i.binlogFormat).filter((v): v is string => v !== undefined));

  const sorted = [...ctx.siblings].sort(
    (a, b) =>
      compareProgress(a, b, failed) ||
      Number(b.logReplicaUpdates === true) - Number(a.logReplicaUpdates === true) ||
      (versionSeries(a) ?? 0) - (versionSeries(b) ?? 0) ||
      (BINLOG_FORMAT_ORDER[a.binlogFormat ?? ''] ?? 0) - (BINLOG_FORMAT_ORDER[b.binlogFormat ?? ''] ?? 0) ||
      Number(dcOf(ctx, b.key) === failedDc) - Number(dcOf(ctx, a.key) === failedDc) ||
      Number(Boolean(errantGtids(a, failed))) - Number(Boolean(errantGtids(b, failed))) ||
      PROMOTION_ORDER[ruleOf(ctx, a.key)] - PROMOTION_ORDER[ruleOf(ctx, b.key)] ||
      (a.key < b.key ? -1 : 1),
  );

  const hardReasons = (i: Instance): Exclusion[] => {
    const reasons = bans(ctx, i.key);
    if (!i.reachable) reasons.push('unreachable');
    if (i.reachable && (i.logBin === false || i.logReplicaUpdates === false)) reasons.push('binlog');
    if (commonMajor !== undefined && (versionSeries(i) ?? 0) > commonMajor) reasons.push('version');
    if (commonFormat && i.binlogFormat && (BINLOG_FORMAT_ORDER[i.binlogFormat] ?? 0) > (BINLOG_FORMAT_ORDER[commonFormat] ?? 0)) reasons.push('binlog-format');
    return reasons;
  };
  const valid = sorted.filter((i) => hardReasons(i).length === 0);
  let promoted: Instance | undefined = valid[0];
  if (!promoted) {
    const fallback = sorted.find((i) => i.reachable && !hardReasons(i).some((r) => ['undeclared', 'whitelist', 'blacklist', 'role', 'must_not', 'dc-fence', 'unreachable'].includes(r)));
    if (fallback) {
      promoted = fallback;
      notes.push(`no replica passed orchestrator's checks; as orchestrator does, it promotes the first replica that is not banned (${fallback.key}) without moving the others`);
    }
  }

  if (promoted) {
    const sameDc = (i: Instance) => dcOf(ctx, i.key) === failedDc;
    const ideal = sameDc(promoted) && ruleOf(ctx, promoted.key) === 'prefer';
    if (!ideal) {
      const first = promoted;
      // why: the promoted server must be able to replicate from its replacement (CanReplicateFrom), which refuses a source delayed beyond ReasonableMaintenanceReplicationLagSeconds.
      const canTakeOver = (i: Instance) => i !== first && i.reachable && i.replication?.sqlThread === 'yes' && (i.replication.sqlDelay ?? 0) <= REASONABLE_MAINTENANCE_LAG_SECONDS;
      const geo = (i: Instance) => !cluster.datacenters.preventCrossDatacenter || sameDc(i);
      const nearPromoted = (i: Instance) => dcOf(ctx, i.key) === dcOf(ctx, first.key);
      // SuggestReplacementForPromotedReplica: a candidate in the failed primary's DC; else keep a promoted candidate that satisfies the fence; else a candidate in the promoted server's DC; else any that satisfies the fence.
      const prefer = valid.filter((i) => canTakeOver(i) && ruleOf(ctx, i.key) === 'prefer');
      const keep = ruleOf(ctx, first.key) === 'prefer' && geo(first);
      const better = prefer.find(sameDc) ?? (keep ? undefined : (prefer.find(nearPromoted) ?? prefer.find(geo)));
      const needsNeutral = ruleOf(ctx, first.key) === 'prefer_not' || (cluster.datacenters.preventCrossDatacenter && !sameDc(first));
      const neutrals = needsNeutral ? valid.filter((i) => canTakeOver(i) && ruleOf(ctx, i.key) === 'neutral') : [];
      const neutral = neutrals.find(sameDc) ?? neutrals.find(nearPromoted) ?? neutrals.find(geo);
      const replacement = better ?? neutral;
      if (replacement) {
        notes.push(`orchestrator first promotes ${first.key} (the most advanced valid replica), then hands over to ${replacement.key} (${ruleOf(ctx, replacement.key)}, in ${dcOf(ctx, replacement.key) ?? 'an unknown DC'}) once it replicates from it`);
        promoted = replacement;
      }
    }
    if (cluster.datacenters.preventCrossDatacenter && failedDc !== undefined && dcOf(ctx, promoted.key) !== failedDc) {
      notes.push(`PreventCrossDataCenterMasterFailover vetoes ${promoted.key} (in ${dcOf(ctx, promoted.key) ?? 'no DC'}, failed primary in ${failedDc}): the recovery fails after the replicas were already regrouped`);
      excluded.push({ key: promoted.key, reasons: ['dc-fence'] });
      promoted = undefined;
    }
  }
  for (const i of sorted) {
    if (i === promoted || excluded.some((e) => e.key === i.key)) continue;
    const reasons = [...hardReasons(i), ...policyExclusions(ctx, i.key), ...liveProblems(i).filter((r) => r === 'delay' || r === 'broken-replication')];
    if (errantGtids(i, failed)) reasons.push('errant-gtid');
    if (reasons.length) excluded.push({ key: i.key, reasons: [...new Set(reasons)] });
  }
  excluded.push(...notDirectReplicas(ctx));
  if (promoted && liveProblems(promoted).length) notes.push(`${promoted.key} is promoted although it is unfit (${liveProblems(promoted).join(', ')}): orchestrator ranks by applied position and only the must_not / validity checks exclude`);
  if (cluster.candidates.maxLagSeconds !== undefined) notes.push('candidates.maxLagSeconds is not an orchestrator setting; lag only affects the ranking');
  if (reachable.some((i) => !i.gtid)) notes.push('applied positions are unknown for some replicas; they are ranked by reported lag');

  const detectedAt = POLL_SECONDS;
  const timeline = [
    { at: 0, event: `${failed.key} fails` },
    { at: detectedAt, event: 'orchestrator detects DeadMaster (within one InstancePollSeconds)' },
  ];
  if (promoted) timeline.push({ at: detectedAt, event: `orchestrator promotes ${promoted.key}; anti-flapping block for ${cluster.antiFlapping.recoveryBlockSeconds}s` });
  else timeline.push({ at: detectedAt, event: 'the recovery fails: no replica can be promoted; PostUnsuccessfulFailoverProcesses run' });
  const outcome = semiSyncOutcome(ctx, promoted?.key, {
    managed: cluster.semiSync.enforcement !== 'off',
    setsSemiSyncOnPromotion: true,
    promotedAt: detectedAt,
    regrouped: true,
    blockUntil: detectedAt + cluster.antiFlapping.recoveryBlockSeconds,
  });
  return prediction('orchestrator', { promoted, ranking: sorted, excluded, notes, timeline, outcome });
}
