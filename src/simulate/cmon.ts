import { errantGtids } from '../live/gtid.js';
import { afterPromotion, liveProblems, policyExclusions, prediction, triage, type FailureContext } from './context.js';
import type { EnginePrediction, Exclusion } from './model.js';
import { semiSyncOutcome } from './semisync.js';

/** cmon's failure detection and job start take roughly this long (not documented; an estimate). */
const CMON_DETECT_SECONDS = 10;

/**
 * ClusterControl: only hosts in the generated (exclusive) whitelist are considered; among the
 * failed primary's live replicas without errant transactions, the most advanced is promoted.
 */
export function cmonFailover(ctx: FailureContext): EnginePrediction {
  const { cluster, failed } = ctx;
  // why: without a whitelist the generated cmon config only blacklists; a host the policy does not
  // declare is in neither list, and cmon may promote it.
  const listed = (r: Exclusion) => r !== 'undeclared' || cluster.candidates.whitelist !== undefined;
  const { eligible, excluded } = triage(ctx, (i) => {
    const reasons: Exclusion[] = [...policyExclusions(ctx, i.key).filter(listed), ...liveProblems(i).filter((r) => r !== 'delay')];
    if (i.reachable && errantGtids(i, failed)) reasons.push('errant-gtid');
    return reasons;
  });
  const promoted = eligible[0];
  const notes = [
    'cmon promotes the most advanced whitelisted replica; its tie-break order is not documented',
    'cmon does not manage semi-sync after a failover: the acknowledging replicas are the ones already enabled',
  ];
  if (promoted?.replication?.sqlDelay) notes.push(`${promoted.key} has SQL_Delay ${promoted.replication.sqlDelay}s: cmon waits for it to apply its relay log (replication_failover_wait_to_apply_timeout)`);
  if (cluster.cmon?.autoRecovery.cluster === false) notes.push('enable_cluster_autorecovery is off: cmon raises an alarm but does not fail over');
  const auto = cluster.cmon?.autoRecovery.cluster !== false;
  const timeline = [
    { at: 0, kind: 'failure' as const, event: `${failed.key} fails` },
    {
      at: CMON_DETECT_SECONDS,
      kind: 'recovery' as const,
      event: !auto ? 'cmon raises an alarm; no automatic failover' : promoted ? `cmon promotes ${promoted.key} (about ${CMON_DETECT_SECONDS}s, estimated)` : 'cmon finds no whitelisted replica to promote: the failover fails',
    },
  ];
  const after = afterPromotion(ctx, auto ? promoted : undefined);
  const outcome = semiSyncOutcome(ctx, auto ? promoted?.key : undefined, after, CMON_DETECT_SECONDS);
  return prediction('cmon', { promoted: auto ? promoted : undefined, ...(auto ? {} : { stopped: 'does not fail over (automatic recovery is off)' }), ranking: eligible, excluded, notes, timeline, outcome, after });
}
