import { usesSemiSync } from '../policy/semisync.js';
import type { FailureContext } from './context.js';
import type { HostAfter, SemiSyncAfter, TimelineEvent } from './model.js';

/** orchestrator's poll interval when the fleet does not declare the deployment (InstancePollSeconds default). */
export const POLL_SECONDS = 5;

export interface StallModel {
  semiSync: SemiSyncAfter;
  timeline: TimelineEvent[];
  /** Seconds writes cannot commit, counted from the failure; null when only a human ends it. */
  stall: number | null;
}

/** An engine that repairs a locked semi-sync primary (orchestrator's LockedSemiSyncMaster recovery). */
export interface SemiSyncRepair {
  /** Replicas it would enable, best first. */
  ranked: string[];
  /** Seconds after the failure at which it detects the lock, and when its anti-flapping block ends. */
  detectedAt: number;
  blockUntil?: number;
  /** What ends the wait when it acts, for the timeline. */
  engine: string;
}

/**
 * How many acknowledgements a commit on `primary` waits for: the server's own setting where it
 * has one; MariaDB always waits for one; else what the policy says the servers are set to.
 */
function waitCount(ctx: FailureContext, primary: string): number {
  const live = ctx.byKey.get(primary);
  if (live?.semiSync?.waitForReplicaCount !== undefined) return live.semiSync.waitForReplicaCount;
  if ((live?.flavor ?? ctx.cluster.flavor) === 'mariadb') return 1;
  return ctx.cluster.semiSync.waitForReplicaCount;
}

/**
 * Semi-sync once the engine is done, read off the after-state: the primary waits for
 * acknowledgements if its semi-sync source side is on, and the acknowledgers are its running
 * replicas with the replica side on. A shortfall stalls writes until `repair` (when the engine
 * has one) or `rpl_semi_sync_master_timeout`, whichever comes first. Writes resume at the
 * promotion (expected at `promotedAt`, at the latest at `promotedBy`) plus that wait: the stall is
 * counted from the failure to the latest.
 */
export function semiSyncOutcome(
  ctx: FailureContext,
  primary: string | undefined,
  after: Map<string, HostAfter>,
  promotedAt: number,
  repair?: SemiSyncRepair,
  promotedBy: number = promotedAt,
): StallModel {
  const timeline: TimelineEvent[] = [];
  const p = primary === undefined ? undefined : after.get(primary);
  const inUse = usesSemiSync(ctx.cluster) || p?.semiSyncSource === true;
  const wanted = primary === undefined ? ctx.cluster.semiSync.waitForReplicaCount : waitCount(ctx, primary);
  if (primary === undefined || p === undefined) {
    return { semiSync: { inUse, waitForReplicaCount: wanted, ackers: [], met: !inUse, primaryEnabled: false, blockedSeconds: null }, timeline, stall: null };
  }
  // why: a writable server takes writes even with a source of its own: the writable member of a
  // co-primary ring stays the primary when one of the others fails.
  if (p.readOnly) {
    timeline.push({ at: promotedAt, kind: 'semi-sync', event: `${primary} stays read-only: no server takes writes until someone intervenes` });
    return { semiSync: { inUse, waitForReplicaCount: wanted, ackers: [], met: false, primaryEnabled: p.semiSyncSource, blockedSeconds: null }, timeline, stall: null };
  }
  const ackers = [...after.values()].filter((h) => h.source === primary && h.replicating && h.semiSyncReplica).map((h) => h.key).sort();
  const primaryEnabled = p.semiSyncSource;
  const met = !primaryEnabled || ackers.length >= wanted;
  const semiSync: SemiSyncAfter = { inUse, waitForReplicaCount: wanted, ackers, met, primaryEnabled, blockedSeconds: 0 };
  if (met) return { semiSync, timeline, stall: promotedBy };

  const live = ctx.byKey.get(primary);
  const timeoutSec = live?.semiSync?.timeoutMs !== undefined ? live.semiSync.timeoutMs / 1000 : undefined;
  timeline.push({ at: promotedAt, kind: 'semi-sync', event: `${primary} waits for ${wanted} semi-sync acknowledgement(s) but only ${ackers.length} replica(s) acknowledge: writes stall` });
  const fallback = timeoutSec === undefined ? undefined : promotedAt + timeoutSec;
  const end = (at: number, event: string): StallModel => {
    timeline.push({ at, kind: 'semi-sync', event });
    semiSync.blockedSeconds = at - promotedAt;
    return { semiSync, timeline, stall: promotedBy + semiSync.blockedSeconds };
  };
  if (repair && repair.ranked.length >= wanted) {
    timeline.push({ at: repair.detectedAt, kind: 'semi-sync', event: `${repair.engine} detects LockedSemiSyncMaster` });
    const at = Math.max(repair.detectedAt, repair.blockUntil ?? 0);
    if (repair.blockUntil !== undefined && repair.blockUntil > repair.detectedAt) {
      timeline.push({ at: repair.detectedAt, kind: 'block', event: `repair blocked by the anti-flapping period (RecoveryPeriodBlockSeconds) until ${repair.blockUntil}s` });
    }
    if (fallback !== undefined && fallback < at) return end(fallback, `rpl_semi_sync_master_timeout expires first: ${primary} continues asynchronously (writes resume without acknowledgement)`);
    return end(at, `${repair.engine} enables semi-sync on ${repair.ranked.slice(0, wanted).join(', ')}; writes resume`);
  }
  const why = repair ? `only ${repair.ranked.length} replica(s) with semiSyncPriority > 0 are left to enable` : 'nothing repairs semi-sync';
  if (fallback !== undefined) return end(fallback, `${why}; rpl_semi_sync_master_timeout expires: ${primary} continues asynchronously`);
  timeline.push({ at: promotedAt, kind: 'semi-sync', event: `${why}, and the semi-sync timeout is unknown: writes stall until someone intervenes` });
  semiSync.blockedSeconds = null;
  return { semiSync, timeline, stall: null };
}
