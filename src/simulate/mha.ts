import { afterPromotion, liveProblems, policyExclusions, prediction, triage, versionSeries, type FailureContext } from './context.js';
import type { EnginePrediction, Exclusion } from './model.js';
import { semiSyncOutcome } from './semisync.js';

/** masterha_manager pings every ping_interval (3 s) and needs a few failures; an estimate. */
const MHA_DETECT_SECONDS = 12;

/**
 * MHA 0.58 select_new_master with the generated config: candidate_master on the policy's
 * candidates, no_master on the rest; latest candidates first, bad ones skipped (dead, no_master,
 * log_bin off, not the oldest major version, far behind).
 */
export function mhaFailover(ctx: FailureContext): EnginePrediction {
  const { failed } = ctx;
  const alive = ctx.siblings.filter((i) => i.reachable);
  const oldestMajor = Math.min(...alive.map((i) => versionSeries(i) ?? Infinity));
  const { eligible, excluded } = triage(ctx, (i) => {
    const reasons: Exclusion[] = [...policyExclusions(ctx, i.key), ...liveProblems(i).filter((r) => r !== 'broken-replication')];
    const series = versionSeries(i);
    if (series !== undefined && Number.isFinite(oldestMajor) && series > oldestMajor) reasons.push('version');
    return reasons;
  });
  const promoted = eligible[0];
  const notes = [
    "MHA's 'far behind' check is a fixed ~100 MB of relay log; a delayed replica is treated as far behind here",
    'MHA applies missing relay-log events to the new primary itself, so a stopped SQL thread does not exclude a replica',
    'MHA does not manage semi-sync',
  ];
  const timeline = [
    { at: 0, kind: 'failure' as const, event: `${failed.key} fails` },
    { at: MHA_DETECT_SECONDS, kind: 'recovery' as const, event: promoted ? `masterha_manager promotes ${promoted.key} (estimated)` : 'MHA finds no candidate: the failover aborts' },
  ];
  const after = afterPromotion(ctx, promoted);
  const outcome = semiSyncOutcome(ctx, promoted?.key, after, MHA_DETECT_SECONDS);
  return prediction('mha', { promoted, ranking: eligible, excluded, notes, timeline, outcome, after });
}
