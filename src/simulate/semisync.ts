import { usesSemiSync } from '../policy/semisync.js';
import { PROMOTION_ORDER } from '../policy/candidates.js';
import type { Instance } from '../topology/model.js';
import type { FailureContext } from './context.js';
import type { SemiSyncAfter, TimelineEvent } from './model.js';

/** orchestrator's poll interval (InstancePollSeconds default); detection needs about one poll. */
export const POLL_SECONDS = 5;

/**
 * The replicas of `primary` once the engine has repointed the failed host's replicas to it:
 * its own replicas plus the failed host's other direct replicas that still replicate.
 */
export function replicasAfter(ctx: FailureContext, primary: string | undefined): Instance[] {
  if (primary === undefined) return ctx.topology.instances.filter((i) => i.source === ctx.failed.source && i.key !== ctx.failed.key && ctx.failed.source !== undefined);
  return ctx.topology.instances.filter(
    (i) => i.key !== primary && i.key !== ctx.failed.key && i.reachable && (i.source === primary || i.source === ctx.failed.key),
  );
}

function replicating(i: Instance): boolean {
  return i.replication?.ioThread !== 'no' && i.replication?.sqlThread === 'yes';
}

/** Replicas orchestrator would enable for semi-sync, best first (priority, promotion rule, key). */
export function byPriority(ctx: FailureContext, replicas: Instance[]): Instance[] {
  return replicas
    .filter((i) => (ctx.policy.get(i.key)?.semiSyncPriority ?? 0) > 0 && replicating(i))
    .sort((a, b) => {
      const pa = ctx.policy.get(a.key)!;
      const pb = ctx.policy.get(b.key)!;
      return pb.semiSyncPriority - pa.semiSyncPriority || PROMOTION_ORDER[pa.promotion] - PROMOTION_ORDER[pb.promotion] || (a.key < b.key ? -1 : 1);
    });
}

export interface StallModel {
  semiSync: SemiSyncAfter;
  timeline: TimelineEvent[];
  /** Seconds writes cannot commit, counted from the failure; null when only a human ends it. */
  stall: number | null;
}

/**
 * Semi-sync after the event and the resulting write stall. `managed` says whether the engine
 * repairs semi-sync (orchestrator with enforcement on). `blockUntil` is when the anti-flapping
 * block the failover opened ends (seconds after the failure), if one was opened. `regrouped`
 * says whether the engine restarted replication on the replicas (a failover), which is when
 * orchestrator applies semi-sync settings.
 */
export function semiSyncOutcome(
  ctx: FailureContext,
  primary: string | undefined,
  opts: { managed: boolean; setsSemiSyncOnPromotion: boolean; promotedAt: number; blockUntil?: number; regrouped: boolean },
): StallModel {
  const { cluster } = ctx;
  const wanted = cluster.semiSync.waitForReplicaCount;
  const timeline: TimelineEvent[] = [];
  const inUse = usesSemiSync(cluster);
  if (primary === undefined || !inUse) {
    return { semiSync: { inUse, waitForReplicaCount: wanted, ackers: [], met: !inUse, primaryEnabled: false }, timeline, stall: primary === undefined ? null : opts.promotedAt };
  }
  const live = ctx.byKey.get(primary);
  const priority = ctx.policy.get(primary)?.semiSyncPriority ?? 0;
  const primaryEnabled = opts.setsSemiSyncOnPromotion ? priority > 0 || live?.semiSync?.sourceEnabled === true : live?.semiSync?.sourceEnabled === true;
  const replicas = replicasAfter(ctx, primary);
  const ranked = byPriority(ctx, replicas);
  const enabled = replicas.filter((i) => i.semiSync?.replicaEnabled === true && replicating(i));
  // why: a regroup restarts replication only on the failed primary's replicas it moves under the new primary; orchestrator sets semi-sync on each of those as it starts it, and leaves the new primary's own replicas as they were (until a LockedSemiSyncMaster repair).
  const moved = (i: Instance) => i.source === ctx.failed.key;
  let ackers: Instance[];
  if (!opts.regrouped || !opts.setsSemiSyncOnPromotion) ackers = enabled;
  else if (opts.managed && cluster.semiSync.enforcement === 'exact') {
    const target = new Set(ranked.slice(0, wanted));
    ackers = [...ranked.filter((i) => target.has(i) && moved(i)), ...enabled.filter((i) => !moved(i))];
  } else if (opts.managed) {
    // "enough" mode never disables; it enables moved replicas in priority order until the wait count is met
    const more = ranked.filter((i) => moved(i) && !enabled.includes(i)).slice(0, Math.max(0, wanted - enabled.length));
    ackers = [...enabled, ...more];
  } else {
    // legacy: a moved replica with priority > 0 is enabled unless must_not; one with priority 0 keeps its setting
    const legacy = ranked.filter((i) => moved(i) && ctx.policy.get(i.key)?.promotion !== 'must_not');
    ackers = [...legacy, ...enabled.filter((i) => !moved(i) || (ctx.policy.get(i.key)?.semiSyncPriority ?? 0) === 0)];
  }
  ackers = [...new Set(ackers)].sort((a, b) => (a.key < b.key ? -1 : 1));
  const semiSync: SemiSyncAfter = { inUse, waitForReplicaCount: wanted, ackers: ackers.map((i) => i.key), met: !primaryEnabled || ackers.length >= wanted, primaryEnabled };
  if (semiSync.met) return { semiSync, timeline, stall: opts.promotedAt };

  const timeoutSec = live?.semiSync?.timeoutMs !== undefined ? live.semiSync.timeoutMs / 1000 : undefined;
  const start = opts.promotedAt;
  timeline.push({ at: start, event: `${primary} waits for ${wanted} semi-sync acknowledgement(s) but only ${ackers.length} replica(s) acknowledge: writes stall` });
  const fallback = timeoutSec === undefined ? undefined : start + timeoutSec;
  const canRepair = opts.managed && ranked.length >= wanted;
  if (canRepair) {
    const detected = start + cluster.semiSync.lockedMasterSeconds + POLL_SECONDS;
    timeline.push({ at: detected, event: 'orchestrator detects LockedSemiSyncMaster' });
    const repair = Math.max(detected, opts.blockUntil ?? 0);
    if (opts.blockUntil !== undefined && opts.blockUntil > detected) {
      timeline.push({ at: detected, event: `repair blocked by the anti-flapping period (RecoveryPeriodBlockSeconds) until ${opts.blockUntil}s` });
    }
    if (fallback !== undefined && fallback < repair) {
      timeline.push({ at: fallback, event: `rpl_semi_sync_master_timeout expires first: ${primary} continues asynchronously (writes resume without acknowledgement)` });
      return { semiSync, timeline, stall: fallback };
    }
    timeline.push({ at: repair, event: `orchestrator enables semi-sync on ${ranked.slice(0, wanted).map((i) => i.key).join(', ')}; writes resume` });
    return { semiSync, timeline, stall: repair };
  }
  const why = opts.managed ? `only ${ranked.length} replica(s) with semiSyncPriority > 0 are left to enable` : 'nothing repairs semi-sync (enforcement off)';
  if (fallback !== undefined) {
    timeline.push({ at: fallback, event: `${why}; rpl_semi_sync_master_timeout expires: ${primary} continues asynchronously` });
    return { semiSync, timeline, stall: fallback };
  }
  timeline.push({ at: start, event: `${why}, and the semi-sync timeout is unknown: writes stall until someone intervenes` });
  return { semiSync, timeline, stall: null };
}
